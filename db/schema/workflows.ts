import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

export const WORKFLOW_RUN_STATUSES = ["queued", "sleeping", "completed", "failed", "cancelled"] as const;
export const workflowRunStatusEnum = pgEnum("workflow_run_status", WORKFLOW_RUN_STATUSES);

/**
 * The embedded engine's durable runs. A run is due when `wakeAt` has passed; a process claims it with
 * `FOR UPDATE SKIP LOCKED` and a lease, so several processes never run the same run at once, and a crashed
 * process's runs are picked up again when its lease expires.
 */
export const workflowRuns = pgTable(
  "workflow_runs",
  {
    id: text("id").primaryKey(),
    workflow: text("workflow").notNull(),
    input: jsonb("input").$type<Record<string, unknown>>().notNull(),
    status: workflowRunStatusEnum("status").notNull().default("queued"),
    /** Limits how many runs with the same key execute at once (the endpoint id for deliveries). */
    concurrencyKey: text("concurrency_key"),
    /**
     * A wider fairness group (the organization, for deliveries): a process runs at most DELIVERY_CONCURRENCY_PER_ORGANIZATION
     * of one group's runs at once, and shares its slots round-robin across groups.
     */
    groupKey: text("group_key"),
    /**
     * Runs of an ordered key (an endpoint with ordered delivery) execute one at a time in `seq` order: a run waits
     * until every earlier unfinished run of its key has finished.
     */
    ordered: boolean("ordered").notNull().default(false),
    /** Insertion order, the order of an ordered key's runs (a redelivery is a new run, at the back). */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    wakeAt: timestamp("wake_at", { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    executions: integer("executions").notNull().default(0),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Partial: the claim scans only runs that can become due, in wake-up order, however many completed runs pile up.
    index("workflow_runs_due_idx").on(t.wakeAt).where(sql`${t.status} in ('queued', 'sleeping')`),
    index("workflow_runs_concurrency_idx").on(t.concurrencyKey, t.status),
    // Runs executing now (leased), per key: the claim counts them across every process against the per-key limit.
    index("workflow_runs_leased_idx")
      .on(t.concurrencyKey)
      .where(sql`${t.leaseOwner} is not null and ${t.status} in ('queued', 'sleeping')`),
    // An ordered key's unfinished runs in order: the claim finds whether a run is its key's head.
    index("workflow_runs_ordered_idx")
      .on(t.concurrencyKey, t.seq)
      .where(sql`${t.ordered} and ${t.status} in ('queued', 'sleeping')`),
    // An ordered key's started, unfinished run (at most one, normally): it goes before any run not started yet.
    index("workflow_runs_ordered_started_idx")
      .on(t.concurrencyKey)
      .where(sql`${t.ordered} and ${t.executions} > 0 and ${t.status} in ('queued', 'sleeping')`),
  ],
);

/** Finished steps: a replayed run returns these instead of running the step again. */
export const workflowSteps = pgTable(
  "workflow_steps",
  {
    // The run's id. No foreign key (migration 0028): whatever deletes runs deletes their steps in the same statement
    // (the engine's settle, the retention purge). A cascading key fired one planned DELETE per finished run.
    runId: text("run_id").notNull(),
    stepId: text("step_id").notNull(),
    result: jsonb("result"),
    completedAt: timestamp("completed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId] })],
);
