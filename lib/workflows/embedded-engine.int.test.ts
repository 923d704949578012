import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, rowsOf, type Db } from "@/db";
import { scannedRows, withExplainedDatabase } from "@/testing/kept-plans";
import { EmbeddedEngine, settleStatement, type SettleItem, type WorkflowFn } from "./embedded-engine";

/**
 * The engine's claim-ahead and the claim function's per-key count, on a database of their own (embedded PGlite, in
 * memory, migrated): the integration suite's other files run delivery engines on the shared database, and those would
 * claim this file's runs of a workflow they do not know. Each test removes the runs it leaves, so the next test's
 * engine finds only its own.
 */
let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  const handle = await openDatabase({ migrate: true, databaseUrl: "", pgliteDataDir: "memory://" });
  db = handle.db;
  close = handle.close;
}, 60_000);

afterAll(async () => {
  await close?.();
});

interface RunRow {
  id: string;
  lease_owner: string | null;
  executions: number;
}

async function insertRuns(prefix: string, count: number, options: { workflow: string; key: string; ordered?: boolean }) {
  for (let i = 0; i < count; i += 1) {
    // Due one after another, so the claim takes them in this order.
    await db.execute(sql`
      insert into workflow_runs (id, workflow, input, concurrency_key, group_key, ordered, wake_at)
      values (${`${prefix}-${i}`}, ${options.workflow}, ${JSON.stringify({ n: i })}::jsonb, ${options.key}, ${`${prefix}-group`},
        ${options.ordered ?? false}, now() - interval '1 hour' + ${i} * interval '1 second')
    `);
  }
}

async function runsOf(prefix: string): Promise<RunRow[]> {
  return rowsOf<RunRow>(
    await db.execute(sql`select id, lease_owner, executions from workflow_runs where id like ${`${prefix}-%`} order by id`),
  );
}

/** A workflow whose single step waits until the test opens its run's gate. */
function gatedWorkflow() {
  const started = new Set<number>();
  const gates = new Map<number, () => void>();
  const fn: WorkflowFn = async (input, steps) => {
    const n = (input as { n: number }).n;
    await steps.run("wait", async () => {
      started.add(n);
      await new Promise<void>((resolve) => gates.set(n, resolve));
      return { n };
    });
  };
  return { fn, started, open: () => [...gates.values()].forEach((open) => open()) };
}

describe("runs claimed ahead", () => {
  it("wait in the process for a slot, count towards their key's limit, and are handed back at stop", async () => {
    const workflow = gatedWorkflow();
    await insertRuns("ahead", 8, { workflow: "gated", key: "ahead-key" });
    const engine = new EmbeddedEngine({
      db,
      workflows: { gated: workflow.fn },
      concurrency: 2,
      claimAhead: 2,
      concurrencyPerKey: 3,
      stepTimeoutMs: 60_000,
      pollMs: 20,
      leaseMs: 60_000,
    });
    engine.start();
    try {
      await vi.waitFor(() => expect(workflow.started.size).toBe(2), { timeout: 10_000, interval: 10 });
      // Two runs execute; one more is claimed ahead. The key's limit is 3, so the fourth the engine would like to
      // hold ahead stays unclaimed: a run held ahead is leased, and counts like one executing.
      await vi.waitFor(async () => expect((await runsOf("ahead")).filter((r) => r.lease_owner === engine.owner)).toHaveLength(3), {
        timeout: 10_000,
        interval: 20,
      });
      await new Promise((r) => setTimeout(r, 200));
      expect((await runsOf("ahead")).filter((r) => r.lease_owner !== null)).toHaveLength(3);
      // A leased run is not due before its lease's end (the claim moves wake_at with it): the next claims' walk of the
      // due index starts past it.
      const leased = rowsOf<{ id: string; due_with_lease: boolean }>(
        await db.execute(sql`select id, wake_at = lease_expires_at and wake_at > now() as due_with_lease from workflow_runs
          where id like 'ahead-%' and lease_owner is not null order by id`),
      );
      expect(leased).toEqual(["ahead-0", "ahead-1", "ahead-2"].map((id) => ({ id, due_with_lease: true })));
      expect(engine.busy().executing).toBe(2);
      expect(workflow.started).toEqual(new Set([0, 1]));

      // Stopping hands the run held ahead back at once, as if it had never been claimed, while the two executing
      // runs finish their step.
      const stopping = engine.stop();
      await vi.waitFor(async () => expect((await runsOf("ahead")).filter((r) => r.lease_owner !== null)).toHaveLength(2), {
        timeout: 10_000,
        interval: 20,
      });
      const handedBack = (await runsOf("ahead")).find((r) => r.id === "ahead-2")!;
      expect(handedBack).toEqual({ id: "ahead-2", lease_owner: null, executions: 0 });
      // ... and due at once, not at the end of the lease it no longer holds.
      const [due] = rowsOf<{ due: boolean }>(await db.execute(sql`select wake_at <= now() as due from workflow_runs where id = 'ahead-2'`));
      expect(due).toEqual({ due: true });
      workflow.open();
      await stopping;
    } finally {
      workflow.open();
      await engine.stop();
    }
    // The two that ran completed (a completed run is deleted); the other six wait, never started.
    const left = await runsOf("ahead");
    expect(left.map((r) => r.id)).toEqual(["ahead-2", "ahead-3", "ahead-4", "ahead-5", "ahead-6", "ahead-7"]);
    expect(left.every((r) => r.lease_owner === null && r.executions === 0)).toBe(true);
    expect(workflow.started).toEqual(new Set([0, 1]));
    // This file's tests share the database: a run left due here would be claimed by the next test's engine.
    await db.execute(sql`delete from workflow_runs where id like 'ahead-%'`);
  });

  it("hold none beyond a group's share when the share is less than the engine: they would wait for that group", async () => {
    const workflow = gatedWorkflow();
    await insertRuns("share", 8, { workflow: "gated", key: "share-key" });
    const engine = new EmbeddedEngine({
      db,
      workflows: { gated: workflow.fn },
      concurrency: 4,
      claimAhead: 2,
      concurrencyPerKey: 10,
      concurrencyPerGroup: 2,
      stepTimeoutMs: 60_000,
      pollMs: 20,
      leaseMs: 60_000,
    });
    engine.start();
    try {
      await vi.waitFor(() => expect(workflow.started.size).toBe(2), { timeout: 10_000, interval: 10 });
      await new Promise((r) => setTimeout(r, 300));
      // The group executes its share (2) and holds nothing more: another process may take its other runs.
      expect((await runsOf("share")).filter((r) => r.lease_owner !== null)).toHaveLength(2);
      expect(workflow.started.size).toBe(2);
    } finally {
      workflow.open();
      await engine.stop();
    }
    await db.execute(sql`delete from workflow_runs where id like 'share-%'`);
  });

  it("a tenant at its share, with slots idle beside it, is claimed for in batches, not once per finished run", async () => {
    const engine = new EmbeddedEngine({
      db,
      workflows: {
        brief: async (_input, steps) => {
          await steps.run("only", () => new Promise((r) => setTimeout(() => r(null), 5)));
        },
      },
      concurrency: 16,
      concurrencyPerKey: 100,
      // Half the engine: while this one tenant runs at its share, 8 slots stay idle (no other tenant has runs).
      concurrencyPerGroup: 8,
      stepTimeoutMs: 60_000,
      pollMs: 60_000,
      leaseMs: 60_000,
    });
    await insertRuns("brief", 120, { workflow: "brief", key: "brief-key" });
    engine.start();
    try {
      await vi.waitFor(async () => expect(await runsOf("brief")).toHaveLength(0), { timeout: 20_000, interval: 20 });
    } finally {
      await engine.stop();
    }
    const { claims, claimed } = engine.claimCounts();
    expect(claimed).toBe(120);
    // A claim goes out once a quarter of the slots (4) has freed since the last one: about 120 / 4 claims. Claiming
    // whenever slots are idle would claim after every finished run (about 120).
    expect(claims).toBeLessThanOrEqual(50);
  });

  it("a freed slot starts the run held ahead, and every run is executed once", async () => {
    const ran: number[] = [];
    const engine = new EmbeddedEngine({
      db,
      workflows: {
        quick: async (input, steps) => {
          await steps.run("only", async () => {
            ran.push((input as { n: number }).n);
            await new Promise((r) => setTimeout(r, 5));
            return null;
          });
        },
      },
      concurrency: 4,
      claimAhead: 4,
      concurrencyPerKey: 8,
      stepTimeoutMs: 60_000,
      pollMs: 20,
      leaseMs: 60_000,
    });
    await insertRuns("quick", 60, { workflow: "quick", key: "quick-key" });
    engine.start();
    try {
      await vi.waitFor(async () => expect(await runsOf("quick")).toHaveLength(0), { timeout: 20_000, interval: 20 });
    } finally {
      await engine.stop();
    }
    expect([...ran].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});

describe("a run's steps", () => {
  it("are stored while it sleeps and deleted with it when it completes, and no other run's steps are", async () => {
    const engine = new EmbeddedEngine({
      db,
      workflows: {
        napper: async (input, steps) => {
          await steps.run("before", async () => ({ n: (input as { n: number }).n }));
          // The first run naps briefly and completes; the second naps for an hour and stays asleep.
          await steps.sleep("nap", (input as { n: number }).n === 0 ? "50ms" : "1h");
          await steps.run("after", async () => null);
        },
      },
      concurrency: 2,
      concurrencyPerKey: 2,
      stepTimeoutMs: 60_000,
      pollMs: 20,
      leaseMs: 60_000,
    });
    await insertRuns("napper", 2, { workflow: "napper", key: "napper-key" });
    const stepsOf = async (runId: string) =>
      rowsOf<{ step_id: string }>(await db.execute(sql`select step_id from workflow_steps where run_id = ${runId} order by step_id`)).map(
        (r) => r.step_id,
      );
    engine.start();
    try {
      await vi.waitFor(async () => expect((await runsOf("napper")).map((r) => r.id)).toEqual(["napper-1"]), { timeout: 20_000, interval: 20 });
      await vi.waitFor(async () => expect(await stepsOf("napper-1")).toEqual(["before", "nap"]), { timeout: 20_000, interval: 20 });
    } finally {
      await engine.stop();
    }
    expect(await stepsOf("napper-0")).toEqual([]);
    await db.execute(sql`delete from workflow_steps where run_id like 'napper-%'`);
    await db.execute(sql`delete from workflow_runs where id like 'napper-%'`);
  });
});

describe("the claim function's count of a key's runs", () => {
  const claim = async (owner: string, settling: string[]) =>
    rowsOf<{ id: string | null }>(
      await db.execute(sql`
        select id from herald_claim_runs(${owner}, 60000, 5, 2, 100, '[]'::jsonb, '{}'::jsonb, 300000, 4242, ${JSON.stringify(settling)}::jsonb)
      `),
    ).filter((r) => r.id !== null);

  it("leaves out the caller's runs that only wait for their settle, and no one else's", async () => {
    await insertRuns("settle", 3, { workflow: "none", key: "settle-key" });
    // Two runs of the key are leased (limit 2): the key is full.
    await db.execute(sql`
      update workflow_runs set lease_owner = 'other', lease_expires_at = now() + interval '1 minute', executions = 1
      where id in ('settle-0', 'settle-1')
    `);
    expect(await claim("me", [])).toEqual([]);
    // The same runs named as settling: they send nothing more, so the key has room for one.
    expect(await claim("me", ["settle-0"])).toEqual([{ id: "settle-2" }]);
    // A run of another key named as settling changes nothing for this one.
    await db.execute(sql`update workflow_runs set lease_owner = null, lease_expires_at = null where id = 'settle-2'`);
    expect(await claim("me", ["not-this-key"])).toEqual([]);
    await db.execute(sql`delete from workflow_runs where id like 'settle-%'`);
  });

  it("keeps the previous signature for a process of the previous version during a rolling deploy", async () => {
    await insertRuns("old", 1, { workflow: "none", key: "old-key" });
    const rows = rowsOf<{ id: string | null }>(
      await db.execute(sql`select id from herald_claim_runs('old-owner', 60000, 5, 2, 100, '[]'::jsonb, '{}'::jsonb, 300000, 4242)`),
    );
    expect(rows).toEqual([{ id: "old-0" }]);
    await db.execute(sql`delete from workflow_runs where id like 'old-%'`);
  });
});

// auto_explain is PostgreSQL's; PGlite has no such module. CI always runs with PostgreSQL.
describe.skipIf(!process.env.DATABASE_URL)("the engine's kept plans", () => {
  it("of the claim, made on an empty table, stay key lookups and an index walk once thousands of runs are due", async () => {
    await withExplainedDatabase("claim_plans", { deliveryPath: false }, async ({ conn, notices }) => {
      // Every plan the claim's statements run is sent to this connection as a notice.
      const claim = (limit: number) =>
        conn.unsafe(
          `select id from herald_claim_runs('plans', 60000, ${limit}, 8, 1000, '[]'::jsonb, '{}'::jsonb, 300000, 4242, '[]'::jsonb)`,
        );
      // The plans are made now, on an empty table, and on a handful of runs (the connection keeps them).
      for (let i = 0; i < 6; i += 1) await claim(16);
      await conn.unsafe(`
        insert into workflow_runs (id, workflow, input, concurrency_key, group_key, wake_at)
        select 'few-' || g, 'w', '{}', 'key-' || (g % 4), 'group', now() - interval '1 hour' from generate_series(1, 20) g`);
      for (let i = 0; i < 6; i += 1) await claim(16);
      // Now thousands: 20,000 due runs over 50 keys, 200 of them (4 a key, the limit is 8) leased by another process.
      await conn.unsafe(`
        insert into workflow_runs (id, workflow, input, concurrency_key, group_key, wake_at, lease_owner, lease_expires_at, executions)
        select 'many-' || g, 'w', '{}', 'key-' || (g % 50), 'group', now() - interval '1 hour' + g * interval '1 millisecond',
          case when g <= 200 then 'other' end, case when g <= 200 then now() + interval '1 hour' end, case when g <= 200 then 1 else 0 end
        from generate_series(1, 20000) g`);
      notices.length = 0;
      const taken = await claim(32);
      expect(taken.length).toBe(32);
      const plans = notices.join("\n");
      // The function's own statements were explained (not only the outer select).
      expect(plans).toContain("workflow_runs_due_idx");
      expect(plans).toContain("workflow_runs_pkey");
      // Nothing reads workflow_runs whole: no sequential or bitmap scan, no hash or merge join.
      expect(plans).not.toMatch(/Seq Scan on workflow_runs|Bitmap Heap Scan|Hash Join|Merge Join|Hash Anti Join|Hash Semi Join/);
      // The due index is walked in wake-up order, not read to its end: no scan node returned more than a few hundred
      // rows, whereas the table holds 20,000 due runs.
      const scanned = scannedRows(plans).filter((s) => s.table === "workflow_runs");
      expect(scanned.length).toBeGreaterThan(0);
      expect(Math.max(...scanned.map((s) => s.rows))).toBeLessThan(2_000);
    });
  }, 60_000);

  it("of the settle, made on an empty table on the delivery path's connections, look up only the runs at hand", async () => {
    const item = (id: string, status: SettleItem["status"]): SettleItem => ({
      run_id: id,
      wakes_key: null,
      status,
      wake_at: status === "completed" ? null : new Date(Date.now() + 60_000).toISOString(),
      last_error: null,
      steps: status === "completed" ? [] : [{ step_id: "attempt-1", result: { outcome: "retry" } }],
    });
    await withExplainedDatabase("settle_plans", { deliveryPath: true }, async ({ conn, notices, runPrepared }) => {
      const settle = (items: SettleItem[]) => runPrepared(settleStatement("plans", items));
      // The plan is made now, on an empty table, and kept.
      for (let i = 0; i < 6; i += 1) await settle([item(`none-${i}`, "completed"), item(`none-s-${i}`, "sleeping")]);
      // Now 20,000 runs this process holds (with a step each), and 32 of them finish: 16 complete, 16 sleep.
      await conn.unsafe(`
        insert into workflow_runs (id, workflow, input, concurrency_key, group_key, lease_owner, lease_expires_at, executions)
        select 'held-' || g, 'w', '{}', 'key-' || (g % 50), 'group', 'plans', now() + interval '1 hour', 1
        from generate_series(1, 20000) g`);
      // (The warm-up's steps, stored for runs that do not exist, go first.)
      await conn.unsafe("delete from workflow_steps");
      await conn.unsafe(`insert into workflow_steps (run_id, step_id, result) select 'held-' || g, 'attempt-0', '{}' from generate_series(1, 20000) g`);
      notices.length = 0;
      await settle([
        ...Array.from({ length: 16 }, (_, i) => item(`held-${i + 1}`, "completed")),
        ...Array.from({ length: 16 }, (_, i) => item(`held-${i + 101}`, "sleeping")),
      ]);
      // The settle's plan only (the counts below are explained too).
      const plans = notices.join("\n");
      const [counts] = await conn.unsafe<{ runs: number; sleeping: number; steps: number }[]>(`
        select (select count(*) from workflow_runs)::int as runs,
          (select count(*) from workflow_runs where status = 'sleeping' and lease_owner is null)::int as sleeping,
          (select count(*) from workflow_steps)::int as steps`);
      // The completed runs are gone with their steps; the sleeping ones are released, each with its new step.
      expect(counts).toEqual({ runs: 19_984, sleeping: 16, steps: 20_000 - 16 + 16 });
      expect(plans).toContain("workflow_runs_pkey");
      expect(plans).not.toMatch(/Seq Scan on workflow_|Bitmap Heap Scan|Hash Join|Merge Join|Hash Anti Join|Hash Semi Join/);
      // Each table is read by the keys at hand: no scan node returned more than a few dozen rows of 20,000.
      const scanned = scannedRows(plans).filter((s) => s.table.startsWith("workflow_"));
      expect(scanned.length).toBeGreaterThan(0);
      expect(Math.max(...scanned.map((s) => s.rows))).toBeLessThan(200);
    });
  }, 60_000);
});
