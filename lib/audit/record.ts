import type { Db } from "@/db";
import { getDb } from "@/db";
import { auditEvents, type AuditChange } from "@/db/schema";
import { newId } from "@/lib/ids";
import type { AuditAction } from "./actions";

/** Who did it: a person (their email is copied in, so the record outlives the account), an API key, the platform API, or Herald itself. */
export type AuditActor =
  | { type: "user"; id: string; email?: string }
  | { type: "api_key"; id: string }
  | { type: "platform_key"; id: string }
  | { type: "system" };

export interface AuditInput {
  /** The organization whose log shows the event; null for platform-wide events (only platform admins see those). */
  organizationId: string | null;
  actor: AuditActor;
  action: AuditAction;
  target?: { type: string; id: string };
  /** The client's address, when the event came from a request. */
  ip?: string | null;
  /**
   * Changed fields: `{ field: { from, to } }`, or `{ field: value }` for a value set. Secret fields (names containing
   * secret, password, token, hash, value, authorization, cookie) and values that look like secrets are stored as
   * "(changed)", never in clear.
   */
  changes?: Record<string, unknown>;
}

/** A database handle or a transaction, to record atomically with the change itself. */
export type AuditWriter = Pick<Db, "insert">;

const SECRET_FIELD = /secret|password|passwd|token|hash|authorization|cookie|^key$|apikey|api_key|value/i;
const SECRET_VALUE = /whsec_|hk_live_|hk_test_|hk_platform_|sk_(live|test)_|rk_(live|test)_|\$argon2|-----BEGIN/;
const MAX_VALUE_CHARS = 2000;

function clean(value: unknown): unknown {
  if (value === undefined) return null;
  const json = JSON.stringify(value) ?? "null";
  if (SECRET_VALUE.test(json)) return "(changed)";
  if (json.length > MAX_VALUE_CHARS) return `${json.slice(0, MAX_VALUE_CHARS)}… (truncated)`;
  return value;
}

/**
 * Makes `changes` safe to store: secret fields become "(changed)", every value is checked for secret-looking content
 * and capped in size. Pure, so it is unit-tested on its own.
 */
export function sanitizeChanges(changes: Record<string, unknown> | undefined): Record<string, AuditChange> | null {
  if (!changes) return null;
  const out: Record<string, AuditChange> = {};
  for (const [field, raw] of Object.entries(changes)) {
    if (SECRET_FIELD.test(field)) {
      out[field] = "(changed)";
      continue;
    }
    const pair = raw !== null && typeof raw === "object" && !Array.isArray(raw) && ("from" in raw || "to" in raw) ? (raw as { from?: unknown; to?: unknown }) : { to: raw };
    const entry: { from?: unknown; to?: unknown } = {};
    if ("from" in pair) entry.from = clean(pair.from);
    if ("to" in pair) entry.to = clean(pair.to);
    out[field] = entry;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** `{ field: { from, to } }` for the fields whose values differ (compared as JSON). */
export function diffFields<T extends Record<string, unknown>>(before: T, after: Partial<T>, fields: readonly (keyof T & string)[]): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    if (!(field in after)) continue;
    if (JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field] ?? null)) out[field] = { from: before[field] ?? null, to: after[field] ?? null };
  }
  return out;
}

/**
 * Appends one event to the audit log (the table refuses updates and deletes). Pass `tx` to record it in the same
 * transaction as the change, so the two commit or roll back together.
 */
export async function recordAudit(input: AuditInput, options: { tx?: AuditWriter } = {}): Promise<{ id: string }> {
  const db = options.tx ?? (await getDb());
  const id = newId("aud");
  await db.insert(auditEvents).values({
    id,
    organizationId: input.organizationId,
    actorType: input.actor.type,
    actorId: input.actor.type === "system" ? null : input.actor.id,
    actorEmail: input.actor.type === "user" ? (input.actor.email ?? null) : null,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    ip: input.ip && input.ip !== "unknown" ? input.ip.slice(0, 64) : null,
    changes: sanitizeChanges(input.changes),
  });
  return { id };
}
