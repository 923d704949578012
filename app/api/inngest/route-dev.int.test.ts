import { beforeAll, describe, expect, it, vi } from "vitest";

beforeAll(() => {
  vi.stubEnv("INNGEST_DEV", "1");
});

describe("GET /api/inngest with INNGEST_DEV=1", () => {
  it("serves the Inngest SDK with every function registered", async () => {
    const { GET } = await import("./route");
    const { functions } = await import("@/inngest/functions");
    const { NextRequest } = await import("next/server");
    const response = await GET(new NextRequest("http://localhost:3000/api/inngest"), undefined as never);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { function_count?: number; mode?: string };
    expect(body.function_count).toBe(functions.length);
    expect(functions.length).toBeGreaterThanOrEqual(4);
    expect(body.mode).toBe("dev");
  });
});
