import type { z } from "zod";
import type { endpointRefSchema } from "@/app/(portal)/webhooks/schemas";
import { takeRateLimitSlot } from "@/db/queries/rate-limits";
import type { SessionContext } from "@/db/queries/users";
import { insertVerificationRun } from "@/db/queries/verification-checks";
import { findEndpointRow } from "@/db/queries/webhooks";
import type { Plan, VerificationCaseResult, VerificationOutcome, WebhookEndpointRow } from "@/db/schema";
import { recordAudit, type AuditActor } from "@/lib/audit/record";
import { decryptSecret } from "@/lib/crypto";
import { generateCredential, schemeOf, type SignatureScheme } from "@/lib/endpoints/secret";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { findEventType } from "@/lib/events/catalog";
import { newId } from "@/lib/ids";
import { assertWebhooksAllowed } from "@/lib/plans";
import { eventEnvelope } from "./attempt";
import { USER_AGENT } from "./constants";
import { assertDeliveriesFlowing } from "./pause";
import { sendAttempt, type AttemptResult } from "./send-attempt";
import { bodySignaturesHex, standardSignature } from "./sign";

/**
 * "Check signature verification": proves that an endpoint *verifies* what it receives, not only that it answers.
 * Six requests, marked as tests, go to the endpoint's URL with its custom headers through the real send path (the
 * SSRF guard, TLS checks, the endpoint's timeout; lib/delivery/send-attempt.ts), one after the other:
 *
 *   1. a correctly signed test event                                   -> a verifying receiver answers 2xx
 *   2. the same event signed with a wrong secret (or key)              -> non-2xx
 *   3. a body changed after signing (the original's signature)         -> non-2xx
 *   4. correctly signed, but webhook-timestamp 10 minutes old          -> non-2xx
 *   5. request 1 again: same webhook-id, fresh timestamp and signature -> 2xx (a retry; idempotent receivers ack it)
 *   6. no signature headers at all                                     -> non-2xx
 *
 * Every case but 5 carries its own webhook-id, so a receiver's de-duplication cannot hide a verification gap. The
 * wrong signatures of case 2 share their first half with the right ones: a receiver that compares only part of the
 * signature accepts them, one that compares it whole does not. If case 1 is not accepted nothing else can be judged
 * (a receiver that refuses everything would "pass" 2, 3, 4 and 6), so the run stops there.
 *
 * A run is never a delivery: no deliveries row, no retries, no failure counters, no disabling, no alerts. It is
 * limited per endpoint like Send test event, stored with its cases (the last 10 per endpoint), and audited.
 */

/** Runs per endpoint per minute: a run is six requests, so this keeps a check as light as a few test events. */
export const VERIFICATION_CHECKS_PER_MINUTE = 2;
/** A run stops sending after this long; the cases left are reported as not sent. */
export const RUN_BUDGET_MS = 60_000;
/** Case 4's webhook-timestamp is this far in the past: twice the usual 5-minute tolerance. */
export const STALE_TIMESTAMP_SECONDS = 10 * 60;
const EXCERPT_CHARS = 300;

type CaseKey = "signed" | "wrong_secret" | "tampered_body" | "stale_timestamp" | "redelivery" | "unsigned";

interface CaseDefinition {
  number: number;
  key: CaseKey;
  title: string;
  expected: "accept" | "reject";
}

export const VERIFICATION_CASES: readonly CaseDefinition[] = [
  { number: 1, key: "signed", title: "Correctly signed test event", expected: "accept" },
  { number: 2, key: "wrong_secret", title: "Signed with a wrong secret", expected: "reject" },
  { number: 3, key: "tampered_body", title: "Body changed after signing", expected: "reject" },
  { number: 4, key: "stale_timestamp", title: "Timestamp 10 minutes old", expected: "reject" },
  { number: 5, key: "redelivery", title: "The same event again (a retry)", expected: "accept" },
  { number: 6, key: "unsigned", title: "No signature at all", expected: "reject" },
];

/** A run as pages and the API show it. */
export interface VerificationRun {
  id: string;
  endpointId: string;
  url: string;
  signatureScheme: SignatureScheme;
  outcome: VerificationOutcome;
  /** One plain sentence naming the worst finding (or that all is well). */
  summary: string;
  /** The case behind the summary; null when every case passed. */
  worstCase: number | null;
  /** What to change, in a sentence or two; null when every case passed. */
  fix: string | null;
  cases: VerificationCaseResult[];
  createdAt: string;
}

export interface VerificationCaller {
  orgId: string;
  plan: Plan;
  actor: AuditActor;
  ip?: string | null;
}

/**
 * A wrong signature for `right` (a `webhook-signature` entry or a hex brand value) that shares its first half: made
 * with `wrong` (the same scheme, another key), then given the right one's first half.
 */
function halfRight(right: Buffer, wrong: Buffer): Buffer {
  const half = Math.floor(right.length / 2);
  return Buffer.concat([right.subarray(0, half), wrong.subarray(half)]);
}

function forgedSignatureHeader(right: string, wrong: string): string {
  const wrongEntries = wrong.split(" ");
  return right
    .split(" ")
    .map((entry, i) => {
      const [version, value] = entry.split(",");
      const forged = halfRight(Buffer.from(value!, "base64"), Buffer.from(wrongEntries[i]!.split(",")[1]!, "base64"));
      return `${version},${forged.toString("base64")}`;
    })
    .join(" ");
}

function forgedBrandHeader(right: string, wrong: string): string {
  const wrongValues = wrong.split(",");
  return right
    .split(",")
    .map((value, i) => halfRight(Buffer.from(value, "hex"), Buffer.from(wrongValues[i]!, "hex")).toString("hex"))
    .join(",");
}

/** The credentials that sign right now: the current one, plus the previous one during an overlap. */
function signingCredentials(endpoint: WebhookEndpointRow, now: Date): string[] {
  const credentials = [decryptSecret(endpoint.secretEncrypted)];
  if (endpoint.previousSecretEncrypted && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    credentials.push(decryptSecret(endpoint.previousSecretEncrypted));
  }
  return credentials;
}

interface PreparedRequest {
  headers: Record<string, string>;
  body: string;
  description: string;
}

/** Builds the six requests; each case's headers are signed (or not) as its definition says. */
function prepareRequests(endpoint: WebhookEndpointRow, now: Date): Map<CaseKey, PreparedRequest> {
  const brand = env.webhookBrand.toLowerCase();
  const credentials = signingCredentials(endpoint, now);
  const scheme = schemeOf(credentials[0]!);
  const wrongCredentials = credentials.map((c) => generateCredential(schemeOf(c)));
  const type = endpoint.eventTypes?.[0] ?? "credential.revoked";
  const example = findEventType(type)?.example ?? {};
  const custom: Record<string, string> = {};
  for (const h of endpoint.headers) custom[h.name] = decryptSecret(h.valueEncrypted);
  const timestamp = Math.floor(now.getTime() / 1000);

  // Marked as tests the way Send test event's deliveries are (`"test": true` here, `X-<Brand>-Test: true` below), so a
  // receiver that acts on events can tell these apart and do nothing.
  const envelope = (id: string, createdAt = now) => eventEnvelope({ id, type, createdAt, data: example, test: true });
  const base = (id: string, ts: number): Record<string, string> => ({
    ...custom,
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "webhook-id": id,
    "webhook-timestamp": String(ts),
    [`x-${brand}-event`]: type,
    [`x-${brand}-test`]: "true",
  });
  const signed = (id: string, ts: number, body: string, signWith = credentials): Record<string, string> => {
    const brandValue = bodySignaturesHex(signWith, body);
    return {
      ...base(id, ts),
      "webhook-signature": standardSignature(signWith, id, ts, body),
      ...(brandValue ? { [`x-${brand}-signature`]: brandValue } : {}),
    };
  };
  const what = scheme === "v1a" ? "key" : "secret";

  const firstId = newId("evt");
  const first = envelope(firstId);
  const requests = new Map<CaseKey, PreparedRequest>();
  requests.set("signed", { headers: signed(firstId, timestamp, first), body: first, description: "A test event signed exactly as deliveries are." });

  const wrongId = newId("evt");
  const wrongBody = envelope(wrongId);
  const right = signed(wrongId, timestamp, wrongBody);
  const wrong = signed(wrongId, timestamp, wrongBody, wrongCredentials);
  const forged: Record<string, string> = { ...right, "webhook-signature": forgedSignatureHeader(right["webhook-signature"]!, wrong["webhook-signature"]!) };
  if (right[`x-${brand}-signature`]) forged[`x-${brand}-signature`] = forgedBrandHeader(right[`x-${brand}-signature`]!, wrong[`x-${brand}-signature`]!);
  requests.set("wrong_secret", {
    headers: forged,
    body: wrongBody,
    description: `The same kind of event, signed with a ${what} that is not yours. Each signature even shares its first half with the right one, so comparing only part of it is caught too.`,
  });

  const tamperedId = newId("evt");
  const original = envelope(tamperedId);
  // One second later in createdAt: still valid JSON of the same shape, so only the signature can reject it.
  const tampered = envelope(tamperedId, new Date(now.getTime() + 1000));
  requests.set("tampered_body", {
    headers: signed(tamperedId, timestamp, original),
    body: tampered,
    description: "Signed correctly, then the body was changed (createdAt moved by one second) before sending.",
  });

  const staleId = newId("evt");
  const staleBody = envelope(staleId);
  requests.set("stale_timestamp", {
    headers: signed(staleId, timestamp - STALE_TIMESTAMP_SECONDS, staleBody),
    body: staleBody,
    description: "Signed correctly, with a webhook-timestamp 10 minutes in the past: what a replayed request looks like.",
  });

  requests.set("redelivery", {
    headers: signed(firstId, timestamp, first),
    body: first,
    description: `Request 1 again, with the same webhook-id (${firstId}): what a retry looks like after a lost answer.`,
  });

  const unsignedId = newId("evt");
  const unsignedBody = envelope(unsignedId);
  requests.set("unsigned", {
    headers: base(unsignedId, timestamp),
    body: unsignedBody,
    description: "A test event with no webhook-signature and no brand signature header.",
  });
  return requests;
}

/**
 * The start of an answer's body for the report: at most {@link EXCERPT_CHARS} UTF-16 units, never ending inside a
 * surrogate pair (a lone surrogate is refused by PostgreSQL's jsonb), without NUL (refused by text and jsonb alike).
 */
export function responseExcerpt(body: string): string {
  const cut = body.replace(/\u0000/g, "").slice(0, EXCERPT_CHARS);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The headers the report shows: Herald's own (custom header values are the partner's secrets: names only). */
function shownHeaders(headers: Record<string, string>, custom: Set<string>): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (custom.has(name) || name === "content-type" || name === "user-agent") continue;
    shown[name] = value;
  }
  return shown;
}

function judge(definition: CaseDefinition, result: AttemptResult): Pick<VerificationCaseResult, "verdict" | "explanation"> {
  const answered = result.statusCode !== null && result.errorClass !== "timeout";
  const accepted = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  if (definition.expected === "accept") {
    if (accepted) return { verdict: "pass", explanation: `Accepted with ${result.statusCode}, as it should be.` };
    if (!answered) {
      return { verdict: definition.number === 1 ? "fail" : "inconclusive", explanation: `No answer: ${result.errorMessage ?? "the request failed"}` };
    }
    return { verdict: "fail", explanation: `Answered ${result.statusCode}: a verifying receiver accepts this request with 2xx.` };
  }
  if (accepted) return { verdict: "fail", explanation: `Accepted with ${result.statusCode}: this request must be refused.` };
  if (!answered) {
    return { verdict: "inconclusive", explanation: `No answer (${result.errorMessage ?? "the request failed"}): refused or crashed, Herald cannot tell.` };
  }
  const status = result.statusCode!;
  const advice =
    status >= 500
      ? ` Refused, though with a server error: answer 400 or 401 to a bad signature, so the failure is not mistaken for an outage.`
      : status >= 300 && status < 400
        ? " Refused with a redirect: answer 400 or 401 instead."
        : "";
  return { verdict: "pass", explanation: `Refused with ${status}.${advice}` };
}

/** Findings from the worst to the least bad: the summary names the first that failed. */
const SEVERITY: CaseKey[] = ["unsigned", "wrong_secret", "tampered_body", "stale_timestamp", "signed", "redelivery"];

function summarise(
  cases: VerificationCaseResult[],
  scheme: SignatureScheme,
  brandHeader: string,
): { outcome: VerificationOutcome; summary: string; worstCase: number | null; fix: string | null } {
  const byKey = new Map(cases.map((c) => [c.key as CaseKey, c]));
  const failed = (key: CaseKey) => byKey.get(key)?.verdict === "fail";
  const what = scheme === "v1a" ? "key" : "secret";
  const worst = SEVERITY.find(failed);
  if (worst) {
    const c = byKey.get(worst)!;
    const answer = c.status === null ? "no answer" : `HTTP ${c.status}`;
    const text: Record<CaseKey, { summary: string; fix: string }> = {
      unsigned: {
        summary: "Your endpoint accepted a request with no signature at all: anyone who knows its URL can forge events to it.",
        fix: "Verify webhook-signature on every request before acting on it, and refuse (400 or 401) any request without a valid one.",
      },
      wrong_secret: {
        summary: failed("tampered_body")
          ? `Your endpoint accepted a request signed with the wrong ${what}: anyone can forge events to it.`
          : `Your endpoint accepted a request signed with the wrong ${what} whose signature matched only in its first half: it compares part of the signature, so a forger need only get that part right.`,
        fix: failed("tampered_body")
          ? `Compute the expected signature with your endpoint's ${what} and refuse any request whose signature does not match.`
          : "Compare the whole signature, in constant time (crypto.timingSafeEqual, hmac.compare_digest, hmac.Equal), never a prefix or a substring.",
      },
      tampered_body: {
        summary: "Your endpoint accepted a body that was changed after signing: an attacker who can alter a request, or reuse a signature, can change what it says.",
        fix: "Verify the signature over the raw body exactly as received, before any JSON parsing, and refuse the request when it does not match.",
      },
      stale_timestamp: {
        summary: "Your endpoint accepted a request whose timestamp was 10 minutes old: anyone who captures one request can replay it later.",
        fix:
          `Refuse requests whose webhook-timestamp is more than 5 minutes from your clock, and verify webhook-signature, which covers the timestamp` +
          (scheme === "v1" ? ` (${brandHeader} signs the body alone, so it cannot tell a replay).` : "."),
      },
      signed: {
        summary: `Your endpoint did not accept a correctly signed test event (${answer}), so nothing else could be checked.`,
        fix:
          c.status === null
            ? `Make sure the endpoint is reachable and answers within its timeout (${c.errorMessage ?? "the request failed"}).`
            : `Check that your receiver uses this endpoint's current ${what}, verifies the raw body (not re-serialised JSON), and answers 2xx once a request verifies.`,
      },
      redelivery: {
        summary: `Your endpoint refused a retry of an event it had accepted (same webhook-id, ${answer}): Herald retries when an answer is lost, and would keep retrying.`,
        fix: "Answer 2xx to a webhook-id you have already processed, and skip processing it again.",
      },
    };
    return { outcome: "failed", worstCase: c.number, ...text[worst] };
  }
  const unclear = cases.find((c) => c.verdict === "inconclusive" || c.verdict === "not_sent");
  if (unclear) {
    return {
      outcome: "inconclusive",
      worstCase: unclear.number,
      summary: `The check is incomplete: case ${unclear.number} (${unclear.title.toLowerCase()}) got no answer, so Herald cannot tell whether it was refused.`,
      fix: "Make sure your endpoint answers every request within its timeout, 4xx for the ones it refuses, then run the check again.",
    };
  }
  return {
    outcome: "passed",
    worstCase: null,
    summary: "Your endpoint verifies signatures: it accepted the signed event and its retry, and refused the wrong signature, the changed body, the stale timestamp and the unsigned request.",
    fix: null,
  };
}

/**
 * Runs the six cases against one of the caller's endpoints and stores the run. Throws AppError (404 unknown
 * endpoint, 409 disabled, 429 over the limit, 402/403 plan or paused deliveries) before sending anything.
 */
export async function runVerificationCheck(caller: VerificationCaller, endpointId: string): Promise<VerificationRun> {
  assertWebhooksAllowed(caller.plan);
  const endpoint = await findEndpointRow({ orgId: caller.orgId, id: endpointId });
  if (!endpoint) throw new AppError("not_found:endpoint", { message: "That endpoint does not exist or was deleted." });
  if (!endpoint.active) {
    throw new AppError("conflict:endpoint_disabled", { message: "This endpoint is disabled. Switch it to Active to check its signature verification." });
  }
  await assertDeliveriesFlowing(caller.orgId);
  const slot = await takeRateLimitSlot({ key: `verification-check:${endpoint.id}`, limit: VERIFICATION_CHECKS_PER_MINUTE, windowMs: 60_000 });
  if (!slot.taken) {
    throw new AppError("rate_limited:verification_check", {
      message: `You can check an endpoint ${VERIFICATION_CHECKS_PER_MINUTE} times a minute. Try again in ${slot.retryAfterSeconds} s.`,
    });
  }

  const now = new Date();
  const started = Date.now();
  const scheme = schemeOf(decryptSecret(endpoint.secretEncrypted));
  const requests = prepareRequests(endpoint, now);
  const custom = new Set(endpoint.headers.map((h) => h.name));
  const cases: VerificationCaseResult[] = [];
  let stopped: string | null = null;
  for (const definition of VERIFICATION_CASES) {
    const request = requests.get(definition.key)!;
    const sent = { description: request.description, headers: shownHeaders(request.headers, custom), customHeaders: [...custom] };
    const common = { number: definition.number, key: definition.key, title: definition.title, expected: definition.expected, sent };
    if (!stopped && Date.now() - started > RUN_BUDGET_MS) stopped = `Not sent: the check stops after ${RUN_BUDGET_MS / 1000} s.`;
    if (stopped) {
      cases.push({ ...common, status: null, durationMs: null, responseExcerpt: null, errorClass: null, errorMessage: null, verdict: "not_sent", explanation: stopped });
      continue;
    }
    const result = await sendAttempt({
      url: endpoint.url,
      headers: request.headers,
      body: request.body,
      timeoutMs: endpoint.timeoutSeconds * 1000,
      allowPrivateTargets: env.delivery.allowPrivateTargets,
    });
    const verdict = judge(definition, result);
    cases.push({
      ...common,
      status: result.statusCode,
      durationMs: result.durationMs,
      responseExcerpt: result.responseBody === null ? null : responseExcerpt(result.responseBody),
      errorClass: result.errorClass,
      errorMessage: result.errorMessage === null ? null : result.errorMessage.replace(/\u0000/g, ""),
      ...verdict,
    });
    if (definition.key === "signed" && verdict.verdict !== "pass") {
      stopped = "Not sent: the correctly signed event was not accepted, so refusals would prove nothing.";
    }
  }

  const result = summarise(cases, scheme, `X-${env.webhookBrand}-Signature`);
  const id = newId("vchk");
  await insertVerificationRun({
    id,
    organizationId: caller.orgId,
    endpointId: endpoint.id,
    url: endpoint.url,
    signatureScheme: scheme,
    outcome: result.outcome,
    summary: result.summary,
    worstCase: result.worstCase,
    cases,
    actorType: caller.actor.type,
    actorId: "id" in caller.actor ? caller.actor.id : null,
    createdAt: now,
  });
  await recordAudit({
    organizationId: caller.orgId,
    actor: caller.actor,
    action: "endpoint.verification_checked",
    target: { type: "endpoint", id: endpoint.id },
    ip: caller.ip ?? null,
    changes: { outcome: result.outcome, worstCase: result.worstCase, check: id },
  });
  return { id, endpointId: endpoint.id, url: endpoint.url, signatureScheme: scheme, ...result, cases, createdAt: now.toISOString() };
}

/** A stored run as pages and the API show it (the fix is derived again, so older runs get today's wording). */
export function toVerificationRun(row: {
  id: string;
  endpointId: string;
  url: string;
  signatureScheme: string;
  cases: VerificationCaseResult[];
  createdAt: Date;
}): VerificationRun {
  const scheme: SignatureScheme = row.signatureScheme === "v1a" ? "v1a" : "v1";
  const result = summarise(row.cases, scheme, `X-${env.webhookBrand}-Signature`);
  return { id: row.id, endpointId: row.endpointId, url: row.url, signatureScheme: scheme, ...result, cases: row.cases, createdAt: row.createdAt.toISOString() };
}

/** The portal's "Check signature verification" (a server action's body): the signed-in person's organization. */
export async function checkSignatureVerification(input: z.output<typeof endpointRefSchema>, ctx: SessionContext): Promise<VerificationRun> {
  return runVerificationCheck({ orgId: ctx.org.id, plan: ctx.org.plan, actor: { type: "user", id: ctx.user.id, email: ctx.user.email } }, input.id);
}
