import { describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { EmbeddedEngine } from "./embedded-engine";

/**
 * The claim loop's wake-up logic, on a stand-in for the database that only answers the claim query (the engine's
 * behaviour against real PostgreSQL and PGlite is covered by the delivery integration tests).
 */
describe("EmbeddedEngine wake-ups", () => {
  it("claims again at once when woken during a claim, instead of sleeping until the next poll", async () => {
    const claims: number[] = [];
    const db = {
      execute: async () => {
        claims.push(Date.now());
        // The first claim sees nothing; a new run is stored and wakes the engine while that claim is in flight.
        if (claims.length === 1) engine.wake();
        return [];
      },
    } as unknown as Db;
    const engine = new EmbeddedEngine({ db, workflows: {}, concurrency: 4, concurrencyPerKey: 2, pollMs: 60_000, leaseMs: 10_000 });
    engine.start();
    const deadline = Date.now() + 2000;
    while (claims.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await engine.stop();
    expect(claims.length).toBeGreaterThanOrEqual(2);
    expect(claims[1]! - claims[0]!).toBeLessThan(1000);
  });

  it("sleeps until the poll when nothing wakes it", async () => {
    let claims = 0;
    const db = { execute: async () => (claims++, []) } as unknown as Db;
    const engine = new EmbeddedEngine({ db, workflows: {}, concurrency: 4, concurrencyPerKey: 2, pollMs: 60_000, leaseMs: 10_000 });
    engine.start();
    await new Promise((r) => setTimeout(r, 200));
    await engine.stop();
    expect(claims).toBe(1);
  });
});
