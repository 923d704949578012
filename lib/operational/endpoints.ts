import type { z } from "zod";
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db";
import { endpointStats, findEndpointRow, insertEndpointRow, softDeleteEndpointRow, updateEndpointRow } from "@/db/queries/webhooks";
import { webhookEndpoints, type EndpointHealthState, type EndpointLastFailure, type WebhookEndpointRow } from "@/db/schema";
import { recordAudit, type AuditActor } from "@/lib/audit/record";
import { diffFields } from "@/lib/audit/record";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { cancelEndpointDeliveries } from "@/lib/delivery/dispatch";
import { generateSigningSecret, ROTATION_OVERLAP_MS } from "@/lib/endpoints/secret";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { ensurePlatformOrganization, findPlatformOrganizationId } from "./platform";
import type {
  createOperationalEndpointSchema,
  operationalEndpointRefSchema,
  updateOperationalEndpointSchema,
} from "./schemas";

/**
 * Operational webhooks: the platform's own endpoints, which receive `endpoint.*` and `delivery.exhausted` events about
 * every partner. They are endpoints of the platform organization (./platform.ts), so the delivery engine treats them
 * like any other. These operations take an actor rather than a session: Admin -> Operational webhooks calls them for a
 * platform admin, and the platform API will call them for a platform key. Callers check who may call them.
 */

/** A person (a platform admin) or a platform API key. */
export type OperationalActor = Extract<AuditActor, { type: "user" } | { type: "platform_key" }>;

export interface OperationalEndpointView {
  id: string;
  url: string;
  description: string;
  /** null: every operational event type. */
  eventTypes: string[] | null;
  timeoutSeconds: number;
  maxRetries: number;
  active: boolean;
  health: EndpointHealthState;
  disabledReason: string | null;
  failingSince: string | null;
  lastFailure: EndpointLastFailure | null;
  alertEmails: string[];
  createdAt: string;
  secretRotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  lastDeliveryAt: string | null;
  lastStatus: string | null;
  lastStatusCode: number | null;
  /** Finished deliveries of the last 24 hours, and how many succeeded. */
  finished24h: number;
  succeeded24h: number;
}

const NOT_FOUND = () => new AppError("not_found:operational_webhook", { message: "That operational webhook does not exist or was deleted." });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toView(row: WebhookEndpointRow, stats?: Awaited<ReturnType<typeof endpointStats>> extends Map<string, infer S> ? S : never): OperationalEndpointView {
  const now = new Date();
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    timeoutSeconds: row.timeoutSeconds,
    maxRetries: row.maxRetries,
    active: row.active,
    health: row.health,
    disabledReason: row.disabledReason,
    failingSince: iso(row.failingSince),
    lastFailure: row.lastFailure ?? null,
    alertEmails: row.alertEmails,
    createdAt: row.createdAt.toISOString(),
    secretRotatedAt: iso(row.secretRotatedAt),
    previousSecretExpiresAt: row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? row.previousSecretExpiresAt.toISOString() : null,
    lastDeliveryAt: stats?.lastDeliveryAt ? stats.lastDeliveryAt.toISOString() : null,
    lastStatus: stats?.lastStatus ?? null,
    lastStatusCode: stats?.lastStatusCode ?? null,
    finished24h: stats?.finished24h ?? 0,
    succeeded24h: stats?.succeeded24h ?? 0,
  };
}

const audited = (row: { url: string; description: string; eventTypes: string[] | null; timeoutSeconds: number; maxRetries: number; active: boolean; alertEmails: string[] }) => ({
  url: row.url,
  description: row.description,
  eventTypes: row.eventTypes ?? "all",
  timeoutSeconds: row.timeoutSeconds,
  maxRetries: row.maxRetries,
  active: row.active,
  alertEmails: row.alertEmails,
});
const AUDITED = ["url", "description", "eventTypes", "timeoutSeconds", "maxRetries", "active", "alertEmails"] as const;

/** Platform-wide audit events (no organization), shown under Admin -> Audit log. */
function audit(actor: OperationalActor, action: Parameters<typeof recordAudit>[0]["action"], id: string, changes?: Record<string, unknown>) {
  return recordAudit({ organizationId: null, actor, action, target: { type: "operational_webhook", id }, changes });
}

/** Every operational webhook (not deleted), newest first, with its latest delivery and 24-hour counts. */
export async function listOperationalEndpoints(): Promise<OperationalEndpointView[]> {
  const orgId = await findPlatformOrganizationId();
  if (!orgId) return [];
  const db = await getDb();
  const [rows, stats] = await Promise.all([
    db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.organizationId, orgId), isNull(webhookEndpoints.deletedAt)))
      .orderBy(webhookEndpoints.createdAt),
    endpointStats({ orgId }),
  ]);
  return rows.reverse().map((row) => toView(row, stats.get(row.id)));
}

async function scope(id: string): Promise<{ orgId: string; id: string }> {
  const orgId = await findPlatformOrganizationId();
  if (!orgId) throw NOT_FOUND();
  return { orgId, id };
}

/** Registers an operational webhook; returns its id and its signing secret (shown once to the admin who made it). */
export async function createOperationalEndpoint(
  input: z.output<typeof createOperationalEndpointSchema>,
  actor: OperationalActor,
): Promise<{ id: string; secret: string }> {
  const orgId = await ensurePlatformOrganization();
  const id = newId("ep");
  const secret = input.secret || generateSigningSecret();
  const eventTypes = input.eventTypes === "all" ? null : input.eventTypes;
  await insertEndpointRow({
    id,
    organizationId: orgId,
    url: input.url,
    description: input.description,
    eventTypes,
    timeoutSeconds: input.timeoutSeconds,
    maxRetries: input.maxRetries,
    active: input.active,
    ...(input.active ? {} : { health: "disabled" as const, disabledCause: "person" as const, disabledAt: new Date() }),
    alertEmails: input.alertEmails,
    secretEncrypted: encryptSecret(secret),
  });
  await audit(actor, "operational_webhook.created", id, { ...audited({ ...input, eventTypes }), secret: "(set)" });
  return { id, secret };
}

export async function updateOperationalEndpoint(input: z.output<typeof updateOperationalEndpointSchema>, actor: OperationalActor): Promise<{ id: string }> {
  const where = await scope(input.id);
  const existing = await findEndpointRow(where);
  if (!existing) throw NOT_FOUND();
  const eventTypes = input.eventTypes === "all" ? null : input.eventTypes;
  const switched = input.active !== existing.active;
  const now = new Date();
  const updated = await updateEndpointRow(where, {
    url: input.url,
    description: input.description,
    eventTypes,
    timeoutSeconds: input.timeoutSeconds,
    maxRetries: input.maxRetries,
    alertEmails: input.alertEmails,
    ...(switched
      ? input.active
        ? { active: true, health: "healthy" as const, healthChangedAt: now, disabledReason: null, disabledAt: null, disabledCause: null, consecutiveFailures: 0, failedAttempts: 0, failingSince: null, lastFailure: null, disableWarnedAt: null }
        : { active: false, health: "disabled" as const, healthChangedAt: now, disabledAt: now, disabledReason: null, disabledCause: "person" as const }
      : {}),
  });
  if (!updated) throw NOT_FOUND();
  if (switched && !input.active) await cancelEndpointDeliveries(input.id);
  const changes = diffFields(audited(existing), audited({ ...input, eventTypes }), AUDITED);
  if (Object.keys(changes).length > 0) await audit(actor, "operational_webhook.updated", input.id, changes);
  return { id: input.id };
}

export async function deleteOperationalEndpoint(input: z.output<typeof operationalEndpointRefSchema>, actor: OperationalActor): Promise<{ id: string }> {
  if (!(await softDeleteEndpointRow(await scope(input.id)))) throw NOT_FOUND();
  await cancelEndpointDeliveries(input.id);
  await audit(actor, "operational_webhook.deleted", input.id);
  return { id: input.id };
}

/** The signing secret in clear, for a platform admin (fetched on request, never rendered into a page). */
export async function revealOperationalSecret(
  input: z.output<typeof operationalEndpointRefSchema>,
  actor: OperationalActor,
): Promise<{ secret: string; previousSecret: string | null; previousSecretExpiresAt: string | null }> {
  const row = await findEndpointRow(await scope(input.id));
  if (!row) throw NOT_FOUND();
  await audit(actor, "operational_webhook.secret_revealed", input.id);
  const overlapping = row.previousSecretEncrypted && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date();
  return {
    secret: decryptSecret(row.secretEncrypted),
    previousSecret: overlapping ? decryptSecret(row.previousSecretEncrypted!) : null,
    previousSecretExpiresAt: overlapping ? row.previousSecretExpiresAt!.toISOString() : null,
  };
}

/** A new secret; the old one keeps signing alongside it for 24 hours, as for partners' endpoints. */
export async function rotateOperationalSecret(
  input: z.output<typeof operationalEndpointRefSchema>,
  actor: OperationalActor,
): Promise<{ secret: string; previousSecretExpiresAt: string }> {
  const where = await scope(input.id);
  const row = await findEndpointRow(where);
  if (!row) throw NOT_FOUND();
  const secret = generateSigningSecret();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ROTATION_OVERLAP_MS);
  const updated = await updateEndpointRow(where, {
    secretEncrypted: encryptSecret(secret),
    previousSecretEncrypted: row.secretEncrypted,
    previousSecretExpiresAt: expiresAt,
    secretRotatedAt: now,
  });
  if (!updated) throw NOT_FOUND();
  await audit(actor, "operational_webhook.secret_rotated", input.id, { overlapEndsAt: expiresAt.toISOString() });
  return { secret, previousSecretExpiresAt: expiresAt.toISOString() };
}
