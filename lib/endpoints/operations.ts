import type { z } from "zod";
import { findEndpointRow, insertEndpointRow, listEndpointRows, softDeleteEndpointRow, updateEndpointRow } from "@/db/queries/webhooks";
import type { SessionContext } from "@/db/queries/users";
import { getDb, type Db } from "@/db";
import type { EndpointDisabledCause, EndpointHealthState, EndpointLastFailure, StoredHeader, WebhookEndpointRow } from "@/db/schema";
import type {
  createEndpointSchema,
  endpointRefSchema,
  setEndpointActiveSchema,
  setSignatureSchemeSchema,
  switchOnAndRedeliverSchema,
  updateEndpointSchema,
} from "@/app/(portal)/webhooks/schemas";
import { decryptSecret, encryptSecret, maskSecret } from "@/lib/crypto";
import { diffFields, recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { assertWebhooksAllowed } from "@/lib/plans";
import { cancelEndpointDeliveries, setEndpointRunsOrdered } from "@/lib/delivery/dispatch";
import { noticesWritten, writeNotices, type NoticeInput } from "@/lib/delivery/health";
import { redeliverFailedSince } from "@/lib/delivery/recover";
import { recordUserAudit } from "@/lib/audit/request";
import { DEFAULT_ROTATION_OVERLAP, overlapEndsAt, type RotationOverlap } from "./rotation-overlap";
import { generateCredential, generateSigningSecret, publicKeyOf, schemeOf, type SignatureScheme } from "./secret";

/** An endpoint as pages and API answers show it: header values masked, secrets absent. */
export interface EndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[] | null;
  headers: { id: string; name: string; maskedValue: string }[];
  timeoutSeconds: number;
  maxRetries: number;
  rateLimitPerSecond: number | null;
  /** Ordered delivery: one event at a time, in publishing order. */
  ordered: boolean;
  active: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
  secretRotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  /** `v1`: HMAC with a shared `whsec_` secret; `v1a`: ed25519, Herald keeps the private key. */
  signatureScheme: SignatureScheme;
  /** The `whpk_` public key partners verify v1a signatures with (not a secret); null for v1. */
  publicKey: string | null;
  /** During an overlap (rotation or switch): the scheme of the credential that still signs too. */
  previousSignatureScheme: SignatureScheme | null;
  /** During an overlap from an ed25519 key: its public key. */
  previousPublicKey: string | null;
  /** `healthy`, `failing` (since `failingSince`, with `lastFailure`) or `disabled` (with `disabledCause`). */
  health: EndpointHealthState;
  healthChangedAt: string | null;
  /** `gone` (410), `consecutive_failures` (50 in a row), `failing_too_long` (3 days) or `person`. */
  disabledCause: EndpointDisabledCause | null;
  failingSince: string | null;
  /** Failed attempts since `failingSince`, retries included. */
  failedAttempts: number;
  /** Failed deliveries in a row (50 disables the endpoint). */
  consecutiveFailures: number;
  lastFailure: EndpointLastFailure | null;
  /** Extra addresses that get this endpoint's alerts, beside the organization's owners. */
  alertEmails: string[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toView(row: WebhookEndpointRow, now = new Date()): EndpointView {
  const current = decryptSecret(row.secretEncrypted);
  const overlapping = row.previousSecretEncrypted && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now;
  const previous = overlapping ? decryptSecret(row.previousSecretEncrypted!) : null;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    headers: row.headers.map((h) => ({ id: h.id, name: h.name, maskedValue: maskSecret(decryptSecret(h.valueEncrypted)) })),
    timeoutSeconds: row.timeoutSeconds,
    maxRetries: row.maxRetries,
    rateLimitPerSecond: row.rateLimitPerSecond,
    ordered: row.ordered,
    active: row.active,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    secretRotatedAt: iso(row.secretRotatedAt),
    previousSecretExpiresAt:
      row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? row.previousSecretExpiresAt.toISOString() : null,
    signatureScheme: schemeOf(current),
    publicKey: schemeOf(current) === "v1a" ? publicKeyOf(current) : null,
    previousSignatureScheme: previous ? schemeOf(previous) : null,
    previousPublicKey: previous && schemeOf(previous) === "v1a" ? publicKeyOf(previous) : null,
    health: row.health,
    healthChangedAt: iso(row.healthChangedAt),
    disabledCause: row.disabledCause,
    failingSince: iso(row.failingSince),
    failedAttempts: row.failedAttempts,
    consecutiveFailures: row.consecutiveFailures,
    lastFailure: row.lastFailure ?? null,
    alertEmails: row.alertEmails,
  };
}

const AUDITED_FIELDS = ["url", "description", "eventTypes", "timeoutSeconds", "maxRetries", "rateLimitPerSecond", "ordered", "active", "headers", "alertEmails"] as const;

const NOT_FOUND = () => new AppError("not_found:endpoint", { message: "That endpoint does not exist or was deleted." });

export async function listEndpoints({ orgId }: { orgId: string }): Promise<EndpointView[]> {
  return (await listEndpointRows({ orgId })).map((row) => toView(row));
}

/** One endpoint, or undefined: another organization's id looks exactly like an unknown one. */
export async function getEndpoint({ orgId, id }: { orgId: string; id: string }): Promise<EndpointView | undefined> {
  const row = await findEndpointRow({ orgId, id });
  return row ? toView(row) : undefined;
}

type HeaderInput = { id?: string; name: string; value?: string };

/**
 * New header list from the form: a header with a new value is encrypted afresh; one that names a saved header's
 * id without a value keeps the stored value (the partner never saw it in clear, so cannot resend it).
 */
function mergeHeaders(input: HeaderInput[], existing: StoredHeader[]): StoredHeader[] {
  const fieldErrors: Record<string, string[]> = {};
  const merged = input.map((h, i): StoredHeader => {
    if (h.value !== undefined) {
      const id = h.id && existing.some((e) => e.id === h.id) ? h.id : newId("hdr", 12);
      return { id, name: h.name, valueEncrypted: encryptSecret(h.value) };
    }
    const saved = existing.find((e) => e.id === h.id);
    if (!saved) {
      fieldErrors[`headers.${i}.value`] = ["Enter a value for this header."];
      return { id: "", name: h.name, valueEncrypted: "" };
    }
    return { id: saved.id, name: h.name, valueEncrypted: saved.valueEncrypted };
  });
  if (Object.keys(fieldErrors).length > 0) {
    throw new AppError("bad_request:validation", { message: "Please correct the highlighted fields.", fieldErrors });
  }
  return merged;
}

const auditTarget = (id: string) => ({ type: "endpoint", id });

/** An endpoint's settings as the audit log records them: header names only (their values are secrets). */
function auditedSettings(row: {
  url: string;
  description: string;
  eventTypes: string[] | null;
  timeoutSeconds: number;
  maxRetries: number;
  rateLimitPerSecond: number | null;
  ordered: boolean;
  active: boolean;
  headers: { name: string }[];
  alertEmails: string[];
}) {
  return {
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes ?? "all",
    timeoutSeconds: row.timeoutSeconds,
    maxRetries: row.maxRetries,
    rateLimitPerSecond: row.rateLimitPerSecond,
    ordered: row.ordered,
    active: row.active,
    headers: row.headers.map((h) => h.name),
    alertEmails: row.alertEmails,
  };
}

/**
 * The health columns a person's switch sets: on, the endpoint starts afresh (healthy, no failures, no cause); off, it
 * is disabled by a person.
 */
function switchedHealth(active: boolean, now = new Date()) {
  return active
    ? {
        active: true,
        health: "healthy" as const,
        healthChangedAt: now,
        disabledReason: null,
        disabledAt: null,
        disabledCause: null,
        consecutiveFailures: 0,
        failedAttempts: 0,
        failingSince: null,
        lastFailure: null,
        disableWarnedAt: null,
      }
    : { active: false, health: "disabled" as const, healthChangedAt: now, disabledAt: now, disabledReason: null, disabledCause: "person" as const };
}

type Transaction = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** What an operational event and the audit log say about who acted. */
const noticeActor = (ctx: SessionContext) => ({ type: "user" as const, id: ctx.user.id, email: ctx.user.email });

/**
 * Runs a change to an endpoint and writes the notices it causes (operational events) in one transaction, so the
 * platform hears of every change exactly when it happened; the drain is told after the commit.
 */
async function changeWithNotices(
  change: (tx: Transaction) => Promise<boolean>,
  notices: () => NoticeInput[],
): Promise<boolean> {
  const db = await getDb();
  const done = await db.transaction(async (tx) => {
    if (!(await change(tx))) return false;
    await writeNotices(tx, notices());
    return true;
  });
  if (done) noticesWritten();
  return done;
}

export async function createEndpoint(input: z.output<typeof createEndpointSchema>, ctx: SessionContext): Promise<{ id: string }> {
  assertWebhooksAllowed(ctx.org.plan);
  const id = newId("ep");
  const headers = mergeHeaders(input.headers, []);
  const now = new Date();
  await changeWithNotices(
    async (tx) => {
      await insertEndpointRow(
        {
          id,
          organizationId: ctx.org.id,
          url: input.url,
          description: input.description,
          eventTypes: input.eventTypes === "all" ? null : input.eventTypes,
          headers,
          timeoutSeconds: input.timeoutSeconds,
          maxRetries: input.maxRetries,
          rateLimitPerSecond: input.rateLimitPerSecond,
          ordered: input.ordered,
          active: input.active,
          ...(input.active ? {} : { health: "disabled" as const, healthChangedAt: now, disabledAt: now, disabledCause: "person" as const }),
          alertEmails: input.alertEmails,
          secretEncrypted: encryptSecret(generateSigningSecret()),
        },
        { tx },
      );
      return true;
    },
    () => [{ organizationId: ctx.org.id, endpointId: id, eventType: "endpoint.created", data: { actor: noticeActor(ctx), at: now.toISOString() } }],
  );
  const created = { ...input, eventTypes: input.eventTypes === "all" ? null : input.eventTypes };
  await recordUserAudit(ctx, "endpoint.created", { target: auditTarget(id), changes: auditedSettings(created) });
  return { id };
}

export async function updateEndpoint(input: z.output<typeof updateEndpointSchema>, ctx: SessionContext): Promise<{ id: string }> {
  assertWebhooksAllowed(ctx.org.plan);
  const scope = { orgId: ctx.org.id, id: input.id };
  const existing = await findEndpointRow(scope);
  if (!existing) throw NOT_FOUND();
  const active = input.active ?? existing.active;
  const switched = active !== existing.active;
  const headers = mergeHeaders(input.headers, existing.headers);
  const after = { ...input, active, eventTypes: input.eventTypes === "all" ? null : input.eventTypes };
  const changes: Record<string, unknown> = diffFields(auditedSettings(existing), auditedSettings(after), AUDITED_FIELDS);
  // A header value given anew is a changed secret: recorded as changed, never in clear.
  if (input.headers.some((h) => h.value !== undefined)) changes.headerValues = "(changed)";
  const at = new Date().toISOString();
  const settingsChanged = Object.keys(changes).filter((f) => f !== "active");
  const updated = await changeWithNotices(
    async (tx) => {
      const done = await updateEndpointRow(
        scope,
        {
          url: input.url,
          description: input.description,
          eventTypes: input.eventTypes === "all" ? null : input.eventTypes,
          headers,
          timeoutSeconds: input.timeoutSeconds,
          maxRetries: input.maxRetries,
          rateLimitPerSecond: input.rateLimitPerSecond,
          ordered: input.ordered,
          alertEmails: input.alertEmails,
          ...(switched ? switchedHealth(active) : {}),
        },
        { tx },
      );
      // Deliveries waiting now follow the new setting too.
      if (done && input.ordered !== existing.ordered) await setEndpointRunsOrdered(tx, input.id, input.ordered);
      return done;
    },
    () => [
      ...(settingsChanged.length > 0
        ? [{ organizationId: ctx.org.id, endpointId: input.id, eventType: "endpoint.updated", data: { actor: noticeActor(ctx), at, changedFields: settingsChanged } }]
        : []),
      ...(switched
        ? [{ organizationId: ctx.org.id, endpointId: input.id, eventType: active ? "endpoint.enabled" : "endpoint.disabled", data: { actor: noticeActor(ctx), at, cause: "person" } }]
        : []),
    ],
  );
  if (!updated) throw NOT_FOUND();
  if (!active && existing.active) await cancelEndpointDeliveries(input.id);
  if (switched) changes.health = { from: existing.health, to: active ? "healthy" : "disabled" };
  if (Object.keys(changes).length > 0) await recordUserAudit(ctx, "endpoint.updated", { target: auditTarget(input.id), changes });
  return { id: input.id };
}

/**
 * Switches an endpoint on or off. Switching off is always allowed (also after a downgrade); switching on needs
 * the plan, and clears a platform-set reason and the failure count so the endpoint starts afresh.
 */
export async function setEndpointActive(
  input: z.output<typeof setEndpointActiveSchema>,
  ctx: SessionContext,
): Promise<{ id: string; active: boolean }> {
  if (input.active) assertWebhooksAllowed(ctx.org.plan);
  const scope = { orgId: ctx.org.id, id: input.id };
  const existing = await findEndpointRow(scope);
  if (!existing) throw NOT_FOUND();
  // Only a real switch changes anything: switching on an endpoint that is on must not wipe its failure counts.
  if (existing.active === input.active) return { id: input.id, active: input.active };
  const switched = await changeWithNotices(
    (tx) => updateEndpointRow(scope, switchedHealth(input.active), { tx, onlyIfActive: !input.active }),
    () => [
      {
        organizationId: ctx.org.id,
        endpointId: input.id,
        eventType: input.active ? "endpoint.enabled" : "endpoint.disabled",
        data: { actor: noticeActor(ctx), at: new Date().toISOString(), cause: "person" },
      },
    ],
  );
  // Switched meanwhile by someone else (or by Herald): the endpoint is where the person wanted it.
  if (!switched) return { id: input.id, active: input.active };
  if (!input.active) await cancelEndpointDeliveries(input.id);
  await recordUserAudit(ctx, input.active ? "endpoint.enabled" : "endpoint.disabled", {
    target: auditTarget(input.id),
    changes: { active: input.active, health: { from: existing.health, to: input.active ? "healthy" : "disabled" } },
  });
  return { id: input.id, active: input.active };
}

/**
 * Sets an endpoint's Alert emails (the public API's PATCH): the addresses that get its alerts beside the owners.
 * Audited with the API key as actor; the platform hears of it as `endpoint.updated`.
 */
/**
 * PATCH /api/v1/endpoints/{id}: changes the settings the partner API manages (Alert emails, ordered delivery); a field
 * left out stays as it is.
 */
export async function patchEndpoint(
  input: { id: string; alertEmails?: string[]; ordered?: boolean },
  caller: { orgId: string; plan: SessionContext["org"]["plan"]; actor: { type: "api_key"; id: string }; ip?: string | null },
): Promise<EndpointView> {
  assertWebhooksAllowed(caller.plan);
  const scope = { orgId: caller.orgId, id: input.id };
  const existing = await findEndpointRow(scope);
  if (!existing) throw NOT_FOUND();
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (input.alertEmails !== undefined && JSON.stringify(existing.alertEmails) !== JSON.stringify(input.alertEmails)) {
    changes.alertEmails = { from: existing.alertEmails, to: input.alertEmails };
  }
  if (input.ordered !== undefined && input.ordered !== existing.ordered) changes.ordered = { from: existing.ordered, to: input.ordered };
  if (Object.keys(changes).length > 0) {
    const updated = await changeWithNotices(
      async (tx) => {
        const done = await updateEndpointRow(
          scope,
          { ...(changes.alertEmails ? { alertEmails: input.alertEmails } : {}), ...(changes.ordered ? { ordered: input.ordered } : {}) },
          { tx },
        );
        if (done && changes.ordered) await setEndpointRunsOrdered(tx, input.id, input.ordered === true);
        return done;
      },
      () => [
        {
          organizationId: caller.orgId,
          endpointId: input.id,
          eventType: "endpoint.updated",
          data: { actor: { type: "api_key", id: caller.actor.id, email: null }, at: new Date().toISOString(), changedFields: Object.keys(changes) },
        },
      ],
    );
    if (!updated) throw NOT_FOUND();
    await recordAudit({
      organizationId: caller.orgId,
      actor: caller.actor,
      action: "endpoint.updated",
      target: auditTarget(input.id),
      ip: caller.ip ?? null,
      changes,
    });
  }
  const row = await findEndpointRow(scope);
  if (!row) throw NOT_FOUND();
  return toView(row);
}

/**
 * The "disabled" alert's one click: switches the endpoint on (it starts afresh) and redelivers what failed or was
 * cancelled since the time the alert named (at most 1,000, oldest first), each with its original webhook-id.
 */
export async function switchOnAndRedeliver(
  input: z.output<typeof switchOnAndRedeliverSchema>,
  ctx: SessionContext,
): Promise<{ ids: string[]; capped: boolean }> {
  await setEndpointActive({ id: input.id, active: true }, ctx);
  return redeliverFailedSince(input, ctx);
}

export async function deleteEndpoint(input: z.output<typeof endpointRefSchema>, ctx: SessionContext): Promise<{ id: string }> {
  const deleted = await changeWithNotices(
    (tx) => softDeleteEndpointRow({ orgId: ctx.org.id, id: input.id }, { tx }),
    () => [{ organizationId: ctx.org.id, endpointId: input.id, eventType: "endpoint.deleted", data: { actor: noticeActor(ctx), at: new Date().toISOString() } }],
  );
  if (!deleted) throw NOT_FOUND();
  await cancelEndpointDeliveries(input.id);
  await recordUserAudit(ctx, "endpoint.deleted", { target: auditTarget(input.id) });
  return { id: input.id };
}

export interface RevealedSecret {
  secret: string;
  /** The previous `whsec_` secret while it still signs; null outside an overlap, or when it was an ed25519 key. */
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
}

/**
 * The signing secret in clear, for the partner who owns the endpoint (revealed on request, never in page HTML).
 * Only shared `whsec_` secrets are revealed: an ed25519 `whsk_` private key stays with Herald (asking for it is refused),
 * partners get its public key on the page.
 */
export async function revealSecret(input: z.output<typeof endpointRefSchema>, ctx: SessionContext): Promise<RevealedSecret> {
  const row = await findEndpointRow({ orgId: ctx.org.id, id: input.id });
  if (!row) throw NOT_FOUND();
  await recordUserAudit(ctx, "endpoint.secret_revealed", { target: auditTarget(input.id) });
  const overlapping = row.previousSecretEncrypted && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date();
  const sharedOnly = (credential: string) => (schemeOf(credential) === "v1" ? credential : null);
  const secret = sharedOnly(decryptSecret(row.secretEncrypted));
  if (!secret) {
    throw new AppError("conflict:signature_scheme", {
      message: "This endpoint signs with ed25519: its private key never leaves Herald. Verify with the public key shown on the page.",
    });
  }
  return {
    secret,
    previousSecret: overlapping ? sharedOnly(decryptSecret(row.previousSecretEncrypted!)) : null,
    previousSecretExpiresAt: overlapping ? row.previousSecretExpiresAt!.toISOString() : null,
  };
}

/**
 * Replaces the endpoint's signing credential with `next`; the one it replaces keeps signing alongside for the chosen
 * overlap (both signatures, space-separated in `webhook-signature`), so receivers can move over without a gap; with
 * "now" it stops at once. An overlap still running is cut short: only the credential just replaced stays.
 */
async function replaceCredential(
  scope: { orgId: string; id: string },
  previousEncrypted: string,
  next: string,
  notice: { actor: ReturnType<typeof noticeActor>; switched: boolean },
  overlap: RotationOverlap,
): Promise<{ previousSecretExpiresAt: string | null }> {
  const now = new Date();
  const expiresAt = overlapEndsAt(overlap, now);
  const updated = await changeWithNotices(
    (tx) =>
      updateEndpointRow(
        scope,
        {
          secretEncrypted: encryptSecret(next),
          previousSecretEncrypted: expiresAt ? previousEncrypted : null,
          previousSecretExpiresAt: expiresAt,
          secretRotatedAt: now,
        },
        { tx },
      ),
    () => [
      {
        organizationId: scope.orgId,
        endpointId: scope.id,
        eventType: "endpoint.secret_rotated",
        data: { ...notice, at: now.toISOString(), signatureScheme: schemeOf(next), previousSecretExpiresAt: expiresAt?.toISOString() ?? null },
      },
    ],
  );
  if (!updated) throw NOT_FOUND();
  return { previousSecretExpiresAt: expiresAt?.toISOString() ?? null };
}

/** A new secret (or ed25519 key, for a v1a endpoint); the old one keeps signing alongside it for the chosen overlap. */
export async function rotateSecret(
  input: { id: string; overlap?: RotationOverlap },
  ctx: SessionContext,
): Promise<{ previousSecretExpiresAt: string | null }> {
  assertWebhooksAllowed(ctx.org.plan);
  const scope = { orgId: ctx.org.id, id: input.id };
  const row = await findEndpointRow(scope);
  if (!row) throw NOT_FOUND();
  const overlap = input.overlap ?? DEFAULT_ROTATION_OVERLAP;
  const rotated = await replaceCredential(
    scope,
    row.secretEncrypted,
    generateCredential(schemeOf(decryptSecret(row.secretEncrypted))),
    { actor: noticeActor(ctx), switched: false },
    overlap,
  );
  await recordUserAudit(ctx, "endpoint.secret_rotated", {
    target: auditTarget(input.id),
    changes: { overlap, overlapEndsAt: rotated.previousSecretExpiresAt },
  });
  return rotated;
}

/**
 * Ends a rotation's overlap early: the previous secret (or key) stops signing now, after a confirmation on the page.
 * Refused when no previous credential is signing.
 */
export async function endSecretOverlap(input: z.output<typeof endpointRefSchema>, ctx: SessionContext): Promise<{ id: string }> {
  assertWebhooksAllowed(ctx.org.plan);
  const scope = { orgId: ctx.org.id, id: input.id };
  const row = await findEndpointRow(scope);
  if (!row) throw NOT_FOUND();
  const expiresAt = row.previousSecretEncrypted ? row.previousSecretExpiresAt : null;
  if (!expiresAt || expiresAt <= new Date()) {
    throw new AppError("conflict:no_overlap", { message: "No previous secret is signing for this endpoint: there is no overlap to end." });
  }
  const updated = await updateEndpointRow(scope, { previousSecretEncrypted: null, previousSecretExpiresAt: null });
  if (!updated) throw NOT_FOUND();
  await recordUserAudit(ctx, "endpoint.secret_overlap_ended", {
    target: auditTarget(input.id),
    changes: { overlapEndsAt: { from: expiresAt.toISOString(), to: new Date().toISOString() } },
  });
  return { id: input.id };
}

/**
 * Switches an endpoint between HMAC (`v1`, a new `whsec_` secret) and ed25519 (`v1a`, a new `whsk_` key whose
 * `whpk_` public key the partner verifies with). Like a rotation, the credential it replaces keeps signing for 24
 * hours: during the switch every request carries both signatures.
 */
export async function setSignatureScheme(
  input: z.output<typeof setSignatureSchemeSchema>,
  ctx: SessionContext,
): Promise<{ id: string; signatureScheme: SignatureScheme; previousSecretExpiresAt: string | null }> {
  assertWebhooksAllowed(ctx.org.plan);
  const scope = { orgId: ctx.org.id, id: input.id };
  const row = await findEndpointRow(scope);
  if (!row) throw NOT_FOUND();
  if (schemeOf(decryptSecret(row.secretEncrypted)) === input.scheme) {
    throw new AppError("conflict:signature_scheme", {
      message: input.scheme === "v1a" ? "This endpoint already signs with ed25519 (v1a)." : "This endpoint already signs with HMAC-SHA256 (v1).",
    });
  }
  const replaced = await replaceCredential(
    scope,
    row.secretEncrypted,
    generateCredential(input.scheme),
    { actor: noticeActor(ctx), switched: true },
    input.overlap ?? DEFAULT_ROTATION_OVERLAP,
  );
  await recordUserAudit(ctx, "endpoint.secret_rotated", {
    target: auditTarget(input.id),
    changes: { signatureScheme: { from: input.scheme === "v1a" ? "v1" : "v1a", to: input.scheme }, overlapEndsAt: replaced.previousSecretExpiresAt },
  });
  return { id: input.id, signatureScheme: input.scheme, ...replaced };
}
