import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { GET } from "./route";

// As in the app, where instrumentation.ts opens (migrates, seeds) the database before the first request.
beforeAll(async () => {
  await getDb();
});

afterAll(async () => {
  await closeDb();
});

describe("GET /api/health", () => {
  it("answers 200 with the database ok", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
