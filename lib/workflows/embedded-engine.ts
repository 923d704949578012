import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, inArray, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { workflowRuns, workflowSteps } from "@/db/schema";
import { createBatcher } from "@/lib/batcher";
import { logger } from "@/lib/logger";
import { durationToMs, type Steps } from "./steps";

export type WorkflowFn = (input: unknown, steps: Steps) => Promise<unknown>;

export interface EngineOptions {
  db: Db;
  workflows: Record<string, WorkflowFn>;
  /** Runs executing at once in this process. */
  concurrency: number;
  /** Runs with the same concurrency key executing at once in this process. */
  concurrencyPerKey: number;
  /** How often to look for due runs when nothing woke the loop. */
  pollMs: number;
  /** How long a claimed run stays this process's; a crashed process's runs are taken over after it. */
  leaseMs: number;
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
}

/** Executions of a run that crashed (not a workflow's own failure, e.g. the database vanished) before giving up. */
const MAX_EXECUTIONS = 25;

/**
 * The embedded workflow engine: durable runs in the app's own PostgreSQL or PGlite. A loop claims due runs with
 * `FOR UPDATE SKIP LOCKED` under a lease, replays each with a `Steps` whose finished steps come from the database,
 * and stores a sleep as the run's next wake-up time. A crash loses at most the step in flight (at-least-once);
 * several processes on one PostgreSQL never execute the same run at the same time.
 */
export class EmbeddedEngine {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  private running = false;
  private inFlight = new Set<Promise<void>>();
  /** Runs executing in this process per concurrency key. */
  private perKey = new Map<string, number>();
  private wakeUp: (() => void) | undefined;
  private wakePending = false;
  private loopDone: Promise<void> | undefined;

  private readonly claimBatch: number;

  constructor(private readonly options: EngineOptions) {
    this.claimBatch = Math.max(1, Math.floor((options.concurrency * 3) / 4));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
    logger.info("embedded delivery engine started", { owner: this.owner, concurrency: this.options.concurrency });
  }

  /** Stops claiming and waits for runs in flight (they finish their current step). */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loopDone;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Looks for due runs now instead of at the next poll (called after new runs are stored). While busy, the next
   * claim happens anyway when a batch of slots frees up; claiming for every single new run would cost more.
   */
  wake(): void {
    if (this.inFlight.size === 0 || this.options.concurrency - this.inFlight.size >= this.claimBatch) this.signal();
  }

  /**
   * Ends the loop's wait now, or, while the loop is claiming (not waiting), makes it look again right after: a wake-up
   * that arrived during a claim whose query could not see the new run would otherwise wait for the next poll.
   */
  private signal(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wakePending = true;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let claimed: ClaimedRun[] = [];
      this.wakePending = false;
      const free = this.options.concurrency - this.inFlight.size;
      if (free > 0) {
        try {
          claimed = await this.claim(free);
        } catch (error) {
          logger.error("embedded engine: claiming runs failed", { error });
        }
      }
      for (const run of claimed) {
        const key = run.concurrency_key;
        if (key) this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
        const execution = this.execute(run).finally(() => {
          this.inFlight.delete(execution);
          if (key) {
            const left = (this.perKey.get(key) ?? 1) - 1;
            if (left > 0) this.perKey.set(key, left);
            else this.perKey.delete(key);
          }
          // Claim again once a batch's worth of slots is free (or all are): one claim query per finished run
          // would cost as much as the runs themselves.
          const free = this.options.concurrency - this.inFlight.size;
          if (free >= this.claimBatch || this.inFlight.size === 0) this.signal();
        });
        this.inFlight.add(execution);
      }
      // A full batch means more may be due: look again at once. Otherwise wait for a wake-up or the poll.
      if (claimed.length === free && free > 0) continue;
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

  private async claim(limit: number): Promise<ClaimedRun[]> {
    const { db, leaseMs, concurrencyPerKey } = this.options;
    // Due runs in wake-up order, skipping rows another process holds; per concurrency key only as many as this
    // process has room for beside the runs of that key it is already executing.
    const busy = JSON.stringify(Object.fromEntries(this.perKey));
    const result = await db.execute(sql`
      with candidates as (
        select id, concurrency_key, wake_at from workflow_runs
        where status in ('queued', 'sleeping') and wake_at <= now()
          and (lease_expires_at is null or lease_expires_at < now())
        order by wake_at
        limit ${limit * 4}
        for update skip locked
      ),
      ranked as (
        select id, wake_at, concurrency_key,
          row_number() over (partition by concurrency_key order by wake_at)
            + coalesce((${busy}::jsonb ->> concurrency_key)::int, 0) as slot
        from candidates
      ),
      chosen as (
        select id from ranked where concurrency_key is null or slot <= ${concurrencyPerKey}
        order by wake_at limit ${limit}
      )
      update workflow_runs r
      set lease_owner = ${this.owner}, lease_expires_at = now() + (${leaseMs} * interval '1 millisecond'),
          executions = r.executions + 1, updated_at = now()
      from chosen where r.id = chosen.id
      returning r.id, r.workflow, r.input, r.executions, r.concurrency_key
    `);
    return rowsOf<ClaimedRun>(result);
  }

  private async execute(run: ClaimedRun): Promise<void> {
    const { db } = this.options;
    const fn = this.options.workflows[run.workflow];
    if (!fn) {
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
        const result = (await stepFn()) ?? null;
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
      // A completed run is never replayed: its steps need no storing.
      await this.settle(run, [], { status: "completed" });
    } catch (error) {
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

  /** Stores finished steps and the run's next state, if this process still holds the run (batched, see below). */
  private settle(
    run: ClaimedRun,
    fresh: { step_id: string; result: unknown }[],
    next: { status: "completed" | "sleeping" | "queued" | "failed"; wakeAt?: Date; lastError?: string },
  ): Promise<void> {
    return this.settleBatch({
      run_id: run.id,
      status: next.status,
      wake_at: next.wakeAt ? next.wakeAt.toISOString() : null,
      last_error: next.lastError ?? null,
      steps: fresh,
    });
  }

  // Runs that finish together settle in one statement: the steps they finished and their next states.
  private readonly settleBatch = createBatcher(
    async (items: { run_id: string; status: string; wake_at: string | null; last_error: string | null; steps: unknown[] }[]) => {
      await this.options.db.execute(sql`
        with x as (
          select * from jsonb_to_recordset(${JSON.stringify(items)}::jsonb)
            as x(run_id text, status text, wake_at timestamptz, last_error text, steps jsonb)
          limit ${items.length}
        ),
        stored as (
          insert into workflow_steps (run_id, step_id, result)
          select x.run_id, s.step_id, s.result from x, jsonb_to_recordset(x.steps) as s(step_id text, result jsonb)
          on conflict do nothing
        )
        update workflow_runs r set status = x.status::workflow_run_status, wake_at = coalesce(x.wake_at, r.wake_at),
          last_error = coalesce(x.last_error, r.last_error), lease_owner = null, lease_expires_at = null, updated_at = now()
        from x
        where r.id = x.run_id and r.lease_owner = ${this.owner} and r.status <> 'cancelled'
      `);
      return items.map(() => undefined);
    },
    { maxBatch: 64 },
  );
}

/** Cancels waiting runs of a concurrency key (an endpoint switched off); a run mid-step finishes that step. */
export async function cancelRuns(db: Pick<Db, "update">, workflow: string, concurrencyKey: string): Promise<void> {
  await db
    .update(workflowRuns)
    .set({ status: "cancelled", updatedAt: new Date() })
    .where(and(eq(workflowRuns.workflow, workflow), eq(workflowRuns.concurrencyKey, concurrencyKey), inArray(workflowRuns.status, ["queued", "sleeping"])));
}
