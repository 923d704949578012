import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A database that refuses connections: nothing listens on port 1. Set before the app's modules load.
beforeAll(() => {
  process.env.DATABASE_URL = "postgres://herald@127.0.0.1:1/herald";
});

afterAll(async () => {
  const { closeDb } = await import("@/db");
  await closeDb().catch(() => undefined);
});

describe("GET /api/health with the database down", () => {
  it("answers 503 and says which part is down", async () => {
    const { GET } = await import("./route");
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "degraded", database: "down" });
  });
});
