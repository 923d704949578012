import { describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { EmbeddedEngine } from "./embedded-engine";

/** A stand-in database whose first claim (one call of herald_claim_runs) hands out one run and whose every other statement does nothing. */
function oneRunDb() {
  let claimed = false;
  const statements: string[] = [];
  const run = { id: "run-1", workflow: "stuck", input: {}, executions: 1, concurrency_key: "k", group_key: "g", ordered: false };
  const db = {
    execute: async (query: { queryChunks?: unknown[] }) => {
      const text = JSON.stringify(query.queryChunks ?? "");
      statements.push(text);
      if (!claimed && text.includes("herald_claim_runs")) {
        claimed = true;
        return [{ ...run, skipped: 0 }];
      }
      return [];
    },
    transaction: async (fn: (tx: unknown) => Promise<unknown>) => fn(db),
  } as unknown as Db;
  return { db, statements };
}

const waitUntil = async (check: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return check();
};

/**
 * The claim loop's wake-up logic, on a stand-in for the database that only answers the claim query (the engine's
 * behaviour against real PostgreSQL and PGlite is covered by the delivery integration tests).
 */
describe("EmbeddedEngine wake-ups", () => {
  it("claims again at once when woken during a claim, instead of sleeping until the next poll", async () => {
    const claims: number[] = [];
    const db: Db = {
      execute: async () => {
        claims.push(Date.now());
        // The first claim sees nothing; a new run is stored and wakes the engine while that claim is in flight.
        if (claims.length === 1) engine.wake();
        return [];
      },
      transaction: async (fn: (tx: unknown) => Promise<unknown>) => fn(db),
    } as unknown as Db;
    const engine = new EmbeddedEngine({ db, workflows: {}, concurrency: 4, concurrencyPerKey: 2, pollMs: 60_000, leaseMs: 10_000, stepTimeoutMs: 60_000 });
    engine.start();
    const deadline = Date.now() + 2000;
    while (claims.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await engine.stop();
    expect(claims.length).toBeGreaterThanOrEqual(2);
    expect(claims[1]! - claims[0]!).toBeLessThan(1000);
  });

  it("sleeps until the poll when nothing wakes it", async () => {
    let claims = 0;
    const db: Db = { execute: async () => (claims++, []), transaction: async (fn: (tx: unknown) => Promise<unknown>) => fn(db) } as unknown as Db;
    const engine = new EmbeddedEngine({ db, workflows: {}, concurrency: 4, concurrencyPerKey: 2, pollMs: 60_000, leaseMs: 10_000, stepTimeoutMs: 60_000 });
    engine.start();
    await new Promise((r) => setTimeout(r, 200));
    await engine.stop();
    expect(claims).toBe(1);
  });
});

describe("EmbeddedEngine deadlines", () => {
  const never = () => new Promise<never>(() => undefined);

  it("a step that never settles fails at the step deadline and frees its slot", async () => {
    const { db, statements } = oneRunDb();
    const engine = new EmbeddedEngine({
      db,
      workflows: { stuck: async (_input, steps) => steps.run("attempt-1", never) },
      concurrency: 4,
      concurrencyPerKey: 2,
      pollMs: 60_000,
      leaseMs: 10_000,
      stepTimeoutMs: 150,
    });
    engine.start();
    expect(await waitUntil(() => engine.busy().executing === 1)).toBe(true);
    const t0 = Date.now();
    expect(await waitUntil(() => engine.busy().executing === 0)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
    // The run is settled (queued again for a retry, with the deadline as its error); its slot is free from the moment
    // its code gave up, before the settle is sent.
    expect(await waitUntil(() => statements.some((q) => q.includes("did not finish within 150 ms")))).toBe(true);
    await engine.stop();
  });

  it("stop() with a drain time returns by then, handing back the runs still executing", async () => {
    const { db, statements } = oneRunDb();
    const engine = new EmbeddedEngine({
      db,
      workflows: { stuck: async (_input, steps) => steps.run("attempt-1", never) },
      concurrency: 4,
      concurrencyPerKey: 2,
      pollMs: 60_000,
      leaseMs: 10_000,
      stepTimeoutMs: 60_000,
    });
    engine.start();
    expect(await waitUntil(() => engine.busy().executing === 1)).toBe(true);
    const t0 = Date.now();
    const { released } = await engine.stop({ drainMs: 200 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(released).toBe(1);
    expect(statements.some((q) => q.includes("lease_owner = null") && q.includes("run-1"))).toBe(true);
  });

  it("renews the lease of a run it is still executing", async () => {
    const { db, statements } = oneRunDb();
    const engine = new EmbeddedEngine({
      db,
      workflows: { stuck: async (_input, steps) => steps.run("attempt-1", never) },
      concurrency: 4,
      concurrencyPerKey: 2,
      pollMs: 60_000,
      leaseMs: 600,
      stepTimeoutMs: 60_000,
    });
    engine.start();
    expect(await waitUntil(() => statements.filter((q) => q.includes("lease_expires_at = now()") && q.includes("run-1")).length >= 2)).toBe(true);
    await engine.stop({ drainMs: 0 });
  });
});
