import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { workflowRuns, workflowSteps } from "@/db/schema";
import { createBatcher } from "@/lib/batcher";
import { logger } from "@/lib/logger";
import { durationToMs, type Steps } from "./steps";

export type WorkflowFn = (input: unknown, steps: Steps) => Promise<unknown>;

export interface EngineOptions {
  db: Db;
  /**
   * Where the settle (the statement that stores each finished run's outcome) runs: the delivery path's connections,
   * whose plans are made once and kept (db/index.ts). It runs as often as runs finish, and planning it each time cost
   * more than executing it (1.0 s of planning against 0.65-1.8 s of execution per 40,000 deliveries). Defaults to `db`.
   */
  settleDb?: Db;
  workflows: Record<string, WorkflowFn>;
  /** Runs executing at once in this process. */
  concurrency: number;
  /**
   * Runs with the same concurrency key executing at once across every process on the database (runs of an ordered
   * key: one, in order).
   */
  concurrencyPerKey: number;
  /**
   * Runs of the same group (a wider fairness key: the organization, for deliveries) executing at once in this
   * process, whatever their concurrency keys: one tenant's many slow endpoints cannot take every slot. Defaults to
   * `concurrency` (no group limit).
   */
  concurrencyPerGroup?: number;
  /**
   * The longest one step may run. A step still running after it fails (the run is retried like any crashed step)
   * and frees its slot, so a step stuck on something that never settles cannot hold the process's slots forever.
   */
  stepTimeoutMs: number;
  /** How often to look for due runs when nothing woke the loop. */
  pollMs: number;
  /** How long a claimed run stays this process's; a crashed process's runs are taken over after it. */
  leaseMs: number;
  /**
   * Runs claimed beyond the free slots, waiting in the process for one: a slot that frees starts the next at once,
   * and the claim that refills them runs while the slots are busy. A quarter of `concurrency` unless set. They are
   * leased like runs executing, so they count towards their key's limit in every process.
   */
  claimAhead?: number;
}

/** A step that ran past `stepTimeoutMs`: the run's execution fails and is retried like a crash. */
export class StepTimeoutError extends Error {
  constructor(runId: string, stepId: string, ms: number) {
    super(`step ${stepId} of run ${runId} did not finish within ${ms} ms`);
  }
}

/** Thrown inside a run to suspend it at a sleep; caught by the engine, never by workflow code. */
class Suspend {
  constructor(
    readonly stepId: string,
    readonly ms: number,
  ) {}
}

interface ClaimedRun {
  id: string;
  workflow: string;
  input: Record<string, unknown>;
  executions: number;
  concurrency_key: string | null;
  group_key: string | null;
  ordered: boolean;
}

/**
 * What this process's claims found since it started: claims made, claims that took nothing, runs taken, candidate
 * rows passed over because another process held their key's claim lock at that moment, and claims that failed (an
 * error; retried at the next loop). Counted only, never acted on: `npm run bench:scale` reads them from the debug
 * line the engine logs when it stops, to report claim contention between processes.
 */
export interface ClaimCounts {
  claims: number;
  empty: number;
  claimed: number;
  keyLockSkipped: number;
  failed: number;
}

/** Advisory-lock namespace of the claim's per-key locks (the second key is the concurrency key's hash). */
const KEY_LOCK_NAMESPACE = 0x48524c44;

/**
 * How long a run of an ordered key that is not its key's head is set aside (wake-up moved on) when a claim meets
 * it: the run before it wakes it when it finishes (see `settle`), so this only bounds a wake-up that never came.
 */
export const ORDERED_PARK_MS = 5 * 60_000;

/** Executions of a run that crashed (not a workflow's own failure, e.g. the database vanished) before giving up. */
const MAX_EXECUTIONS = 25;

/**
 * The embedded workflow engine: durable runs in the app's own PostgreSQL or PGlite. A loop claims due runs with
 * `FOR UPDATE SKIP LOCKED` under a lease, replays each with a `Steps` whose finished steps come from the database,
 * and stores a sleep as the run's next wake-up time. A crash loses at most the step in flight (at-least-once);
 * several processes on one PostgreSQL never execute the same run at the same time: the lease of every run still
 * executing is renewed while it runs (a third of the lease), so only a process that stopped renewing (crashed,
 * frozen) loses its runs to another. Slots are shared out per concurrency key and per group, round-robin across
 * groups, and a step has a deadline, so nothing one run or one tenant does can hold every slot.
 *
 * The per-key limit holds across processes: a claim counts the key's leased runs in the database (a crashed
 * process's count comes back when its leases expire) and holds a transaction-scoped advisory lock per key while it
 * claims, so two processes never both fill the same key's last slot; a key another process is claiming right now is
 * skipped, not waited for. Runs of an ordered key run one at a time in `seq` order (see {@link ORDERED_PARK_MS}).
 *
 * Slots are kept busy: a quarter of them is claimed ahead (`claimAhead`), so a slot that frees starts the next run
 * at once and the claim runs while the slots are busy; and a run frees its slot as soon as its workflow code returns,
 * while the settle that stores its outcome is on its way. A claim could otherwise only start once runs had ended,
 * and every run it took waited for it with its slot empty.
 */
export class EmbeddedEngine {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  private running = false;
  /** Every execution not yet settled (what `stop` waits for). */
  private inFlight = new Set<Promise<void>>();
  /** Slots taken: runs whose workflow code is running (a run whose code returned frees its slot while it settles). */
  private slots = 0;
  /** Runs whose workflow code returned, whose slot is free and whose settle is still on its way (see `begin`). */
  private settlingCount = 0;
  /** Those of them that no longer count towards their key's limit (the unordered ones), handed to each claim. */
  private settling = new Set<string>();
  /**
   * Runs claimed ahead, waiting in this process for a slot (see `ahead`): a slot that frees starts the next one at
   * once, and the claim that refills this list runs while every slot is busy, not while slots sit empty.
   */
  private ready: ClaimedRun[] = [];
  /** Runs executing in this process per group (the per-key count is read from the database, across processes). */
  private perGroup = new Map<string, number>();
  /** Runs executing or ready in this process per group: what a claim may still add for the group. */
  private heldPerGroup = new Map<string, number>();
  /** Ids of the runs this process holds (executing, ready or settling), whose leases the heartbeat renews. */
  private executing = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  private wakePending = false;
  private loopDone: Promise<void> | undefined;
  private readonly counts: ClaimCounts = { claims: 0, empty: 0, claimed: 0, keyLockSkipped: 0, failed: 0 };

  private readonly claimBatch: number;
  private readonly concurrencyPerGroup: number;
  private readonly ahead: number;
  /** Slots freed since the last claim went out (see `begin`). */
  private freedSinceClaim = 0;

  constructor(private readonly options: EngineOptions) {
    this.concurrencyPerGroup = Math.min(options.concurrencyPerGroup ?? options.concurrency, options.concurrency);
    this.ahead = Math.max(0, options.claimAhead ?? Math.floor(options.concurrency / 4));
    // A claim goes out once this many runs are missing (free slots plus the runs claimed ahead that were started):
    // one claim query per finished run would cost as much as the runs themselves.
    this.claimBatch = Math.max(1, Math.floor(options.concurrency / 4));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.heartbeat.unref();
    logger.info("embedded delivery engine started", {
      owner: this.owner,
      concurrency: this.options.concurrency,
      concurrencyPerKey: this.options.concurrencyPerKey,
      concurrencyPerGroup: this.concurrencyPerGroup,
    });
  }

  /**
   * Stops claiming and waits for runs in flight (they finish their current step), for at most `drainMs` when given.
   * Runs still executing then are handed back (their leases released), so another process takes them over at once
   * instead of after the lease; their steps may run again there (at-least-once, as after a crash). Returns how many
   * were handed back.
   */
  async stop(options: { drainMs?: number } = {}): Promise<{ released: number }> {
    this.running = false;
    this.wakeUp?.();
    await this.loopDone;
    await this.handBackReady();
    logger.debug("embedded engine: claim counts", { owner: this.owner, ...this.counts });
    const drained = Promise.allSettled([...this.inFlight]).then(() => true);
    let finished = true;
    if (options.drainMs === undefined) await drained;
    else {
      let timer: NodeJS.Timeout | undefined;
      finished = await Promise.race([drained, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.drainMs)))]);
      clearTimeout(timer);
    }
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (finished) return { released: 0 };
    const ids = [...this.executing];
    this.executing.clear();
    await this.options.db
      .execute(
        // Due again at once (the claim had moved wake_at to the lease's end, migration 0029).
        sql`update workflow_runs set lease_owner = null, lease_expires_at = null, wake_at = now(), updated_at = now()
          where lease_owner = ${this.owner} and id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
      )
      .catch((error: unknown) => logger.error("embedded engine: could not release leases at shutdown", { error }));
    logger.warn("embedded engine stopped with runs still executing; their leases were released", { owner: this.owner, runs: ids.length });
    return { released: ids.length };
  }

  /**
   * Hands the runs claimed ahead back at once (leases released, the claim's execution count undone): they never
   * started, and another process, or this one after a restart, takes them without waiting for the lease.
   */
  private async handBackReady(): Promise<void> {
    const runs = this.ready.splice(0);
    if (runs.length === 0) return;
    for (const run of runs) {
      this.executing.delete(run.id);
      if (run.group_key) increment(this.heldPerGroup, run.group_key, -1);
    }
    await this.options.db
      .execute(
        sql`update workflow_runs set lease_owner = null, lease_expires_at = null, executions = greatest(executions - 1, 0), wake_at = now(),
          updated_at = now()
          where lease_owner = ${this.owner} and id in (select jsonb_array_elements_text(${JSON.stringify(runs.map((r) => r.id))}::jsonb))`,
      )
      .catch((error: unknown) => logger.error("embedded engine: could not hand back the runs claimed ahead", { error }));
  }

  /** Runs executing now in this process (the health check reads it). */
  busy(): { executing: number; concurrency: number } {
    return { executing: this.slots, concurrency: this.options.concurrency };
  }

  /** This process's claim counters since it started (see {@link ClaimCounts}). */
  claimCounts(): ClaimCounts {
    return { ...this.counts };
  }

  /** Extends the lease of every run this process is still executing, so no other process takes one over. */
  private async renewLeases(): Promise<void> {
    if (this.executing.size === 0) return;
    const ids = JSON.stringify([...this.executing]);
    try {
      await this.options.db.execute(sql`
        -- wake_at moves with the lease (migration 0029): the run is not due while it is leased.
        update workflow_runs set lease_expires_at = now() + (${this.options.leaseMs} * interval '1 millisecond'),
          wake_at = now() + (${this.options.leaseMs} * interval '1 millisecond')
        where lease_owner = ${this.owner} and id in (select jsonb_array_elements_text(${ids}::jsonb))
      `);
    } catch (error) {
      logger.error("embedded engine: renewing leases failed", { error });
    }
  }

  /**
   * Looks for due runs now instead of at the next poll (called after new runs are stored). While busy, the next
   * claim happens anyway when a batch of slots frees up; claiming for every single new run would cost more.
   */
  wake(): void {
    if (this.slots === 0 || this.wanted() >= this.claimBatch) this.signal();
  }

  /**
   * Ends the loop's wait now, or, while the loop is claiming (not waiting), makes it look again right after: a wake-up
   * that arrived during a claim whose query could not see the new run would otherwise wait for the next poll.
   */
  private signal(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wakePending = true;
  }

  /** Runs a claim would take now: the free slots, plus the runs claimed ahead that are missing. */
  private wanted(): number {
    return this.options.concurrency - this.slots + this.ahead - this.ready.length;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let claimed: ClaimedRun[] = [];
      this.wakePending = false;
      const wanted = this.wanted();
      this.freedSinceClaim = 0;
      if (wanted > 0) {
        this.counts.claims += 1;
        try {
          claimed = await this.claim(wanted);
          this.counts.claimed += claimed.length;
          if (claimed.length === 0) this.counts.empty += 1;
        } catch (error) {
          this.counts.failed += 1;
          logger.error("embedded engine: claiming runs failed", { error });
        }
      }
      for (const run of claimed) {
        this.executing.add(run.id);
        if (run.group_key) increment(this.heldPerGroup, run.group_key, 1);
        this.ready.push(run);
      }
      this.startReady();
      // A full batch means more may be due: look again at once. Otherwise wait for a wake-up or the poll.
      if (claimed.length === wanted && wanted > 0 && this.wanted() > 0) continue;
      if (this.wakePending) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  /**
   * Starts runs claimed ahead while slots are free, in the order they were claimed, passing over a run whose group
   * already executes its share here (it waits for one of that group's runs to end).
   */
  private startReady(): void {
    for (let i = 0; i < this.ready.length && this.slots < this.options.concurrency; ) {
      const run = this.ready[i]!;
      if (run.group_key && (this.perGroup.get(run.group_key) ?? 0) >= this.concurrencyPerGroup) {
        i += 1;
        continue;
      }
      this.ready.splice(i, 1);
      this.begin(run);
    }
  }

  private begin(run: ClaimedRun): void {
    const group = run.group_key;
    if (group) increment(this.perGroup, group, 1);
    this.slots += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.slots -= 1;
      if (group) {
        increment(this.perGroup, group, -1);
        increment(this.heldPerGroup, group, -1);
      }
      // The freed slot takes the next run claimed ahead at once; the next claim goes out once a batch's worth of
      // slots has freed since the last one (or nothing runs): one claim query per finished run would cost as much as
      // the runs. Counted since the last claim, not as slots idle now: slots a tenant at its share leaves idle stay
      // idle until another tenant has runs, and must not make every finished run claim again.
      if (this.running) this.startReady();
      this.freedSinceClaim += 1;
      if (this.freedSinceClaim >= this.claimBatch || this.slots === 0) this.signal();
    };
    let settlingEarly = false;
    const execution = this.execute(run, () => {
      // The run's code returned: its slot goes to the next run while its settle is on its way, so the next run starts
      // now instead of behind this bookkeeping. At most a slot's worth of runs settle this way at once; past that a
      // run keeps its slot until it is settled.
      if (settlingEarly || this.settlingCount >= this.options.concurrency) return;
      settlingEarly = true;
      this.settlingCount += 1;
      // An unordered run no longer counts towards its key's limit either (it sends nothing more). An ordered run
      // does until it is settled: the next run of its key must not start before this one's outcome is stored.
      if (!run.ordered) this.settling.add(run.id);
      release();
    }).finally(() => {
      if (settlingEarly) this.settlingCount -= 1;
      this.inFlight.delete(execution);
      this.settling.delete(run.id);
      this.executing.delete(run.id);
      release();
    });
    this.inFlight.add(execution);
  }

  private async claim(limit: number): Promise<ClaimedRun[]> {
    const { db, leaseMs, concurrencyPerKey } = this.options;
    const perGroup = this.concurrencyPerGroup;
    // Groups this process already runs to its limit are left out of the scan itself (keys every process together
    // runs to their limit are left out by the function): a saturated tenant's backlog (its runs the oldest) must not
    // fill the candidates and hide another tenant's run.
    // Runs executing and claimed ahead count towards a group's share. A run claimed ahead must be one that starts the
    // moment any slot frees: beyond its share a group's run would wait for that group's own runs to end (up to an
    // endpoint timeout for a tenant whose receivers hang), holding a lease another process could use. So only a group
    // whose share is the whole engine (one tenant, or no share set) holds the runs claimed ahead on top of it.
    const groupLimit = perGroup >= this.options.concurrency ? perGroup + this.ahead : perGroup;
    const fullGroups = JSON.stringify([...this.heldPerGroup].filter(([, n]) => n >= groupLimit).map(([g]) => g));
    const busyGroups = JSON.stringify(Object.fromEntries(this.heldPerGroup));
    // Runs of this process that only wait for their settle send nothing more: they do not count towards their key's
    // limit (migration 0027).
    const settling = JSON.stringify([...this.settling]);
    // One round trip: herald_claim_runs (migrations 0024 and 0027) scans and try-locks the candidates' keys, then claims in a
    // second statement with its own snapshot, so the per-key limit holds across processes (see the class comment).
    const rows = rowsOf<Omit<ClaimedRun, "id"> & { id: string | null; skipped: number | null }>(
      await db.execute(sql`
        select * from herald_claim_runs(${this.owner}, ${leaseMs}, ${limit}, ${concurrencyPerKey}, ${groupLimit},
          ${fullGroups}::jsonb, ${busyGroups}::jsonb, ${ORDERED_PARK_MS}, ${KEY_LOCK_NAMESPACE}, ${settling}::jsonb)
      `),
    );
    // Rows of a key locked by another process's claim were left alone (counted for the contention figures).
    this.counts.keyLockSkipped += rows[0]?.skipped ?? 0;
    return rows.filter((r) => r.id !== null).map(({ skipped: _, ...run }) => run as ClaimedRun);
  }

  /**
   * Replays a run and settles it. `workDone` is called once its workflow code has returned (finished, suspended or
   * failed), before the settle that stores the outcome is sent.
   */
  private async execute(run: ClaimedRun, workDone: () => void): Promise<void> {
    const { db } = this.options;
    const fn = this.options.workflows[run.workflow];
    if (!fn) {
      workDone();
      await this.settle(run, [], { status: "failed", lastError: `unknown workflow ${run.workflow}` });
      return;
    }
    // A first execution has no finished steps to read back.
    const stored =
      run.executions > 1
        ? await db.select({ stepId: workflowSteps.stepId, result: workflowSteps.result }).from(workflowSteps).where(eq(workflowSteps.runId, run.id))
        : [];
    const done = new Map<string, unknown>(stored.map((s) => [s.stepId, s.result]));
    // Finished steps are written together with the run's next state (one statement per suspension), not one by
    // one: a crash re-runs the steps since the last suspension, which is why step bodies must be idempotent (the
    // delivery attempt step is: a recorded attempt is never sent again).
    const fresh: { step_id: string; result: unknown }[] = [];

    const steps: Steps = {
      run: async (id, stepFn) => {
        if (done.has(id)) return done.get(id);
        const result = (await this.withDeadline(run.id, id, stepFn())) ?? null;
        // JSON round trip: a replay must see exactly what Inngest would hand back.
        const json = JSON.parse(JSON.stringify(result)) as unknown;
        done.set(id, json);
        fresh.push({ step_id: id, result: json });
        return json;
      },
      sleep: async (id, duration) => {
        if (done.has(id)) return null;
        const ms = durationToMs(duration);
        done.set(id, { ms });
        fresh.push({ step_id: id, result: { ms } });
        if (ms > 0) throw new Suspend(id, ms);
        return null;
      },
    };

    try {
      await fn(run.input, steps);
      workDone();
      // A completed run is never replayed: its steps need no storing.
      await this.settle(run, [], { status: "completed" });
    } catch (error) {
      workDone();
      if (error instanceof Suspend) {
        await this.settle(run, fresh, { status: "sleeping", wakeAt: new Date(Date.now() + error.ms) });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = run.executions >= MAX_EXECUTIONS;
      logger.error("embedded engine: run failed", { runId: run.id, workflow: run.workflow, executions: run.executions, error });
      // A crashed step is retried with backoff (1 s, 2 s, 4 s ... 5 min), like Inngest retries a step.
      await this.settle(run, fresh, {
        status: giveUp ? "failed" : "queued",
        lastError: message.slice(0, 2000),
        wakeAt: new Date(Date.now() + Math.min(2 ** run.executions * 1000, 300_000)),
      }).catch((e: unknown) => logger.error("embedded engine: could not record a failed run", { error: e }));
    }
  }

  /**
   * The step's own promise, or a StepTimeoutError once `stepTimeoutMs` has passed. JavaScript cannot cancel the step;
   * it is abandoned (its slot freed, its result ignored), and the run is retried from its last stored step.
   */
  private withDeadline<T>(runId: string, stepId: string, work: Promise<T>): Promise<T> {
    const ms = this.options.stepTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StepTimeoutError(runId, stepId, ms)), ms);
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  /** Stores finished steps and the run's next state, if this process still holds the run (batched, see below). */
  private settle(
    run: ClaimedRun,
    fresh: { step_id: string; result: unknown }[],
    next: { status: "completed" | "sleeping" | "queued" | "failed"; wakeAt?: Date; lastError?: string },
  ): Promise<void> {
    return this.settleBatch({
      run_id: run.id,
      // A finished run of an ordered key wakes the next one (see settleBatch).
      wakes_key: run.ordered && run.concurrency_key && (next.status === "completed" || next.status === "failed") ? run.concurrency_key : null,
      status: next.status,
      wake_at: next.wakeAt ? next.wakeAt.toISOString() : null,
      last_error: next.lastError ?? null,
      steps: fresh,
    });
  }

  // Runs that finish together settle in one statement: the steps they finished and their next states. A finished run
  // of an ordered key also wakes its key's next run, in the same transaction, under the key's advisory lock: a claim
  // that set that run aside either committed before (then the wake-up sees it set aside) or skips the key (locked
  // here).
  private readonly settleBatch = createBatcher(
    async (items: SettleItem[]) => {
      const statement = settleStatement(this.owner, items);
      const keys = [...new Set(items.map((i) => i.wakes_key).filter((k): k is string => k !== null))].sort();
      // Its plan is kept (see `settleDb`): each table is also bounded by the runs at hand (`= any(array(...))`), so
      // whichever side of a join PostgreSQL starts from, it reads only those rows.
      const db = this.options.settleDb ?? this.options.db;
      // Unordered runs (the common case) settle in one statement, as ever.
      if (keys.length === 0) await db.execute(statement);
      else {
        await db.transaction(async (tx) => {
          // The key locks first, in a fixed order, before any row: two settles never wait for each other in a circle
          // (and a claim never waits at all: it only tries the lock).
          await tx.execute(sql`
            select pg_advisory_xact_lock(${KEY_LOCK_NAMESPACE}, hashtext(k))
            from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) with ordinality as t(k, i) order by i
          `);
          await tx.execute(statement);
          await tx.execute(sql`
            update workflow_runs r set wake_at = now(), updated_at = now()
            -- Each key's next run: a started one if any (see the claim), else the lowest seq; two index lookups. An
            -- id list, not a join: the kept plan looks up these runs by key whatever the table's size was.
            where r.id = any(array(
              select coalesce(
                (select p.id from workflow_runs p where p.ordered and p.executions > 0 and p.status in ('queued', 'sleeping')
                  and p.concurrency_key = k order by p.seq limit 1),
                (select p.id from workflow_runs p where p.ordered and p.status in ('queued', 'sleeping')
                  and p.concurrency_key = k order by p.seq limit 1))
              from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) as t(k)))
            and r.status = 'queued' and r.wake_at > now()
          `);
        });
      }
      return items.map(() => undefined);
    },
    { maxBatch: 64 },
  );
}

/** One finished run's outcome, as the settle stores it. */
export interface SettleItem {
  run_id: string;
  /** The ordered key whose next run this one's end wakes (see `settleBatch`), or null. */
  wakes_key: string | null;
  status: "completed" | "sleeping" | "queued" | "failed";
  wake_at: string | null;
  last_error: string | null;
  steps: { step_id: string; result: unknown }[];
}

/**
 * The settle's statement: the steps the runs finished and their next states, for the runs `owner` still holds. A
 * completed run is deleted with its steps. Exported for the test of its kept plan (db/index.ts keeps it on the
 * delivery path's connections).
 */
export function settleStatement(owner: string, items: SettleItem[]): SQL {
  return sql`
    with x as (
      select * from jsonb_to_recordset(${JSON.stringify(items)}::jsonb)
        as x(run_id text, status text, wake_at timestamptz, last_error text, steps jsonb)
      limit ${items.length}
    ),
    stored as (
      insert into workflow_steps (run_id, step_id, result)
      select x.run_id, s.step_id, s.result from x, jsonb_to_recordset(x.steps) as s(step_id text, result jsonb)
      where x.status <> 'completed'
      on conflict do nothing
    ),
    -- A completed run is never read again: it is deleted, not kept as a row to update, scan past and purge later.
    -- What it did is in the rows it wrote (a delivery's attempts and status).
    finished as (
      delete from workflow_runs r using x
      where r.id = x.run_id and r.id = any(array(select x.run_id from x)) and x.status = 'completed'
        and r.lease_owner = ${owner} and r.status <> 'cancelled'
      returning r.id
    ),
    -- Its steps go with it, here (no cascading key: that fired a DELETE of its own per run, migration 0028).
    finished_steps as (
      delete from workflow_steps s where s.run_id = any(array(select f.id from finished f))
    )
    update workflow_runs r set status = x.status::workflow_run_status, wake_at = coalesce(x.wake_at, r.wake_at),
      last_error = coalesce(x.last_error, r.last_error), lease_owner = null, lease_expires_at = null, updated_at = now()
    from x
    where r.id = x.run_id and r.id = any(array(select x.run_id from x)) and x.status <> 'completed'
      and r.lease_owner = ${owner} and r.status <> 'cancelled'
  `;
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

/** Cancels waiting runs of a concurrency key (an endpoint switched off); a run mid-step finishes that step. */
export async function cancelRuns(db: Pick<Db, "update">, workflow: string, concurrencyKey: string): Promise<void> {
  await db
    .update(workflowRuns)
    .set({ status: "cancelled", updatedAt: new Date() })
    .where(and(eq(workflowRuns.workflow, workflow), eq(workflowRuns.concurrencyKey, concurrencyKey), inArray(workflowRuns.status, ["queued", "sleeping"])));
}
