import { describe, expect, it } from "vitest";
import { GET } from "./route";

describe("GET /api/inngest without Inngest configured", () => {
  it("answers 404 with a message instead of SDK configuration errors", async () => {
    const response = await GET(new Request("http://localhost/api/inngest") as never, undefined as never);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: "not_found", message: "Inngest is not configured here: deliveries run on the embedded engine." },
    });
  });
});
