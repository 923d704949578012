import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";
import { getBillingState } from "@/db/queries/billing";
import { isOrganizationActive } from "@/db/queries/organizations";
import { workflowRuns } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { deliveryPause } from "@/lib/plans";
import { deliveryRunRow, localEngine, startDeliveryRuns } from "@/lib/delivery/dispatch";
import type { DeliveryRunInput } from "./run-input";

/** Deliveries resumed per statement: a long pause can leave many waiting, and one statement should stay short. */
const RESUME_BATCH = 2000;
/** How often every process looks for paused deliveries whose organization may deliver again (the safety net). */
export const RESUME_SWEEP_MS = 5 * 60 * 1000;

/**
 * For actions that would start a delivery and wait for it (Send test event): refuses, with the reason and what to do,
 * while the organization's deliveries are paused, instead of leaving the person watching a delivery that waits.
 */
export async function assertDeliveriesFlowing(orgId: string): Promise<void> {
  const state = await getBillingState({ orgId });
  const pause = state ? deliveryPause(state) : null;
  if (pause) throw new AppError("conflict:deliveries_paused", { message: pause.message });
}

/** The resume key of a pause: unique per pause of a delivery, so a resumed run never collides with an earlier run. */
export function resumeKeyFor(pausedAt: Date): string {
  return `r${pausedAt.getTime().toString(36)}`;
}

/**
 * Parks a delivery whose organization may not deliver right now (called by the attempt step instead of sending):
 * the delivery goes back to `pending` with no next attempt, and a `paused_deliveries` row remembers the attempt and
 * its place in the chain. Nothing is sent, recorded or counted.
 */
export async function pauseDelivery(p: {
  deliveryId: string;
  organizationId: string;
  endpointId: string;
  attemptNumber: number;
  chainIndex: number;
}): Promise<void> {
  const db = await getDb();
  await db.execute(sql`
    with d as (
      update deliveries set status = 'pending', next_attempt_at = null, updated_at = now()
      where id = ${p.deliveryId} and status in ('pending', 'delivering')
      returning id
    )
    insert into paused_deliveries (delivery_id, organization_id, endpoint_id, attempt_number, chain_index)
    select id, ${p.organizationId}, ${p.endpointId}, ${p.attemptNumber}, ${p.chainIndex} from d
    on conflict (delivery_id) do update set attempt_number = excluded.attempt_number, chain_index = excluded.chain_index,
      paused_at = now()
  `);
  logger.debug("delivery paused by the organization's plan", { deliveryId: p.deliveryId, organizationId: p.organizationId });
  // The plan may have been restored between this attempt's check and the row above, by a change whose resume ran
  // before the row existed: looking again now closes that gap (the periodic sweep is the last resort).
  await resumePausedDeliveries({ orgId: p.organizationId });
}

interface PausedRow {
  delivery_id: string;
  endpoint_id: string;
  attempt_number: number;
  chain_index: number;
  paused_at: Date | string;
  delivery_status: string | null;
}

/**
 * Resumes the organization's paused deliveries if it may deliver now: each starts a new run at the attempt that
 * paused, with the retries it had left. Removing the rows and starting the runs happen in one transaction (on
 * Inngest the events are sent before the commit, so a failed send leaves the rows for the next try). Returns how
 * many deliveries resumed; safe to call any time and from several processes.
 */
export async function resumePausedDeliveries({ orgId }: { orgId: string }): Promise<number> {
  const state = await getBillingState({ orgId });
  if (!state || deliveryPause(state) || !(await isOrganizationActive({ orgId }))) return 0;
  const db = await getDb();
  let resumed = 0;
  for (;;) {
    const runs = await db.transaction(async (tx) => {
      const result = await tx.execute(sql`
        with picked as (
          select delivery_id from paused_deliveries where organization_id = ${orgId}
          order by paused_at limit ${RESUME_BATCH}
          for update skip locked
        ),
        gone as (
          delete from paused_deliveries p using picked where p.delivery_id = picked.delivery_id
          returning p.delivery_id, p.endpoint_id, p.attempt_number, p.chain_index, p.paused_at
        )
        select gone.*, d.status as delivery_status from gone left join deliveries d on d.id = gone.delivery_id
      `);
      const rows = rowsOf<PausedRow>(result);
      // A delivery cancelled while it waited (its endpoint switched off) has nothing left to resume.
      const runs: DeliveryRunInput[] = rows
        .filter((r) => r.delivery_status === "pending")
        .map((r) => ({
          deliveryId: r.delivery_id,
          endpointId: r.endpoint_id,
          firstAttempt: r.attempt_number,
          firstChainIndex: r.chain_index,
          resumeKey: resumeKeyFor(r.paused_at instanceof Date ? r.paused_at : new Date(r.paused_at)),
        }));
      if (runs.length > 0) {
        if (env.delivery.engine === "embedded") {
          await tx
            .insert(workflowRuns)
            .values(runs.map(deliveryRunRow))
            .onConflictDoNothing();
        } else {
          await startDeliveryRuns(runs);
        }
      }
      return { picked: rows.length, started: runs.length };
    });
    resumed += runs.started;
    if (runs.picked < RESUME_BATCH) break;
  }
  if (resumed > 0) {
    localEngine()?.wake();
    logger.info("resumed paused deliveries", { organizationId: orgId, deliveries: resumed });
  }
  return resumed;
}

/** Resumes paused deliveries of every organization that may deliver again; the periodic safety net. */
export async function resumeAllPausedDeliveries(): Promise<number> {
  const db = await getDb();
  const orgs = rowsOf<{ organization_id: string }>(await db.execute(sql`select distinct organization_id from paused_deliveries`));
  let resumed = 0;
  for (const { organization_id } of orgs) resumed += await resumePausedDeliveries({ orgId: organization_id });
  return resumed;
}

const globalStore = globalThis as typeof globalThis & { __heraldResumeSweep?: NodeJS.Timeout };

/**
 * The embedded scheduler's sweep (Inngest runs `resume-paused-deliveries` on a cron instead). Plan changes resume
 * deliveries at once; this catches the rare one whose resume failed half-way.
 */
export function scheduleResumeSweep(): void {
  if (globalStore.__heraldResumeSweep) return;
  globalStore.__heraldResumeSweep = setInterval(() => {
    resumeAllPausedDeliveries().catch((error: unknown) => logger.error("resuming paused deliveries failed", { error }));
  }, RESUME_SWEEP_MS);
  globalStore.__heraldResumeSweep.unref();
}

export function stopResumeSweep(): void {
  clearInterval(globalStore.__heraldResumeSweep);
  globalStore.__heraldResumeSweep = undefined;
}
