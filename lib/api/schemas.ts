import { z } from "zod";
import { CREDENTIAL_STATUSES } from "@/db/schema/credentials";
import { EVENT_TYPES, isoDateTime, metadataSchema, SESSION_STATUSES } from "@/lib/events/catalog";

/**
 * The public API's request and response schemas, defined once: the routes validate with them and the OpenAPI
 * document (lib/api/openapi.ts) is generated from them.
 */

const text = (max: number, what: string) =>
  z
    .string({ error: `Give ${what} as a string.` })
    .trim()
    .min(1, `Give ${what}.`)
    .max(max, `${what[0]!.toUpperCase()}${what.slice(1)} is at most ${max} characters.`);

/** Partners' idempotency keys; `herald:` is reserved for Herald's own events. */
export const idempotencyKeySchema = text(200, "the idempotency key")
  .refine((k) => !k.startsWith("herald:"), "Idempotency keys starting with herald: are reserved.")
  .optional()
  .describe("Repeat a request with the same key to get the first result instead of a second one.");

const email = z
  .string({ error: "Give the recipient's email address." })
  .trim()
  .max(320, "An email address is at most 320 characters.")
  .pipe(z.email("Give a valid email address, e.g. jane.doe@example.com."));

// ---- events ----------------------------------------------------------------------------------------------------

export const publishEventSchema = z.object({
  type: z.string({ error: "Give the event type, e.g. credential.revoked." }).min(1).max(100).describe("An event type from the catalog."),
  data: z.record(z.string(), z.unknown(), { error: "Give the event's data as a JSON object." }).describe("Validated against the type's schema."),
  idempotencyKey: idempotencyKeySchema,
});

/** Events per batch publish: enough that a busy producer needs few requests, small enough for one statement. */
export const MAX_BATCH_EVENTS = 500;
/** A batch's body limit: 500 events of about 2 KB each (a single publish keeps the 256 KB limit). */
export const MAX_BATCH_BODY_BYTES = 1024 * 1024;

/**
 * POST /api/v1/events/batch: the envelope is checked here; each event is checked on its own (publishEventSchema)
 * so that one bad event gets its own error and the others are still published.
 */
export const publishEventBatchSchema = z.object({
  events: z
    .array(z.unknown(), { error: "Give the events as an array: { events: [{ type, data, idempotencyKey? }, ...] }." })
    .min(1, "Give at least one event.")
    .max(MAX_BATCH_EVENTS, `A batch holds at most ${MAX_BATCH_EVENTS} events.`)
    .describe(`1 to ${MAX_BATCH_EVENTS} events, each { type, data, idempotencyKey? } as for POST /api/v1/events.`),
});

export const batchPublishResultSchema = z.object({
  results: z
    .array(
      z.object({
        index: z.number().int().describe("The event's position in the request."),
        status: z.number().int().describe("202 published, 200 idempotency key seen before (the first event's id), 4xx refused."),
        id: z.string().optional().describe("The event id (evt_...), when published or seen before."),
        error: z
          .object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() })
          .optional(),
      }),
    )
    .describe("One result per event, in the request's order."),
});

export const listEventsQuerySchema = z.object({
  after: z
    .string()
    .regex(/^evt_[a-z0-9]{1,40}$/, "after must be an event id (evt_...).")
    .optional()
    .describe("Return events published after this one (the last id you saw)."),
  type: z.enum(EVENT_TYPES, { error: "type must be an event type from the catalog." }).optional(),
  limit: z.coerce.number({ error: "limit must be a number." }).int().min(1, "limit is at least 1.").max(500, "limit is at most 500.").default(100),
});

export const eventEnvelopeSchema = z.object({
  id: z.string().describe("evt_...; also the webhook-id of its deliveries"),
  type: z.enum(EVENT_TYPES),
  createdAt: z.string(),
  test: z.literal(true).optional().describe("Present (true) only on test events sent with Send test event; absent on real events."),
  data: z.record(z.string(), z.unknown()),
});

// ---- sessions --------------------------------------------------------------------------------------------------

export const createSessionSchema = z.object({
  platform: text(100, "the platform"),
  referenceId: text(200, "the reference id").optional().describe("Your own id for this session; it comes back in every event."),
  metadata: metadataSchema.describe("Up to 50 keys; keys starting with _ or internal are never delivered."),
  idempotencyKey: idempotencyKeySchema,
});

export const completeSessionSchema = z
  .object({
    status: z.enum(SESSION_STATUSES, { error: `status must be one of ${SESSION_STATUSES.join(", ")}.` }),
    account: z
      .record(z.string().max(100), z.unknown(), { error: "account must be a JSON object." })
      .optional()
      .describe("The verified account data; only with status COMPLETED."),
    attestation: z
      .union([z.string().min(1).max(65_536), z.record(z.string(), z.unknown())], { error: "attestation must be a string or a JSON object." })
      .optional()
      .describe("The raw attestation: Herald keeps and sends only its SHA-256."),
  })
  .refine((b) => b.account === undefined || b.status === "COMPLETED", {
    path: ["account"],
    message: "account is only sent when the status is COMPLETED.",
  });

export const sessionSchema = z.object({
  id: z.string(),
  status: z.enum(["PENDING", ...SESSION_STATUSES]),
  platform: z.string(),
  referenceId: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  account: z.record(z.string(), z.unknown()).nullable(),
  attestation: z.object({ sha256: z.string() }).nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
});

// ---- credentials -----------------------------------------------------------------------------------------------

const futureDate = (what: string) =>
  isoDateTime.refine((d) => new Date(d).getTime() > Date.now(), `${what} must be in the future.`);

export const issueCredentialSchema = z
  .object({
    badgeId: text(100, "the badge id"),
    recipientEmail: email,
    recipientName: text(200, "the recipient's name").optional(),
    issuanceDate: isoDateTime.optional().describe("Defaults to now."),
    expirationDate: isoDateTime.optional(),
    metadata: metadataSchema,
    idempotencyKey: idempotencyKeySchema,
  })
  .refine((b) => !b.expirationDate || new Date(b.expirationDate) > new Date(b.issuanceDate ?? Date.now()), {
    path: ["expirationDate"],
    message: "expirationDate must be after the issuance date.",
  });

export const MAX_BULK_RECIPIENTS = 1000;

export const bulkIssueSchema = z.object({
  badgeId: text(100, "the badge id"),
  expirationDate: futureDate("expirationDate").optional(),
  recipients: z
    .array(
      z.object({
        // Each address is checked by the job: a bad one counts as failed instead of refusing the whole batch.
        email: z.string({ error: "Give each recipient's email as a string." }).max(320, "An email address is at most 320 characters."),
        name: z.string().trim().max(200, "A name is at most 200 characters.").optional(),
      }),
      { error: "recipients must be a list of { email, name? }." },
    )
    .min(1, "Give at least one recipient.")
    .max(MAX_BULK_RECIPIENTS, `At most ${MAX_BULK_RECIPIENTS} recipients per bulk issuance.`),
  idempotencyKey: idempotencyKeySchema,
});

export const revokeCredentialSchema = z.object({
  reason: z.string().trim().max(500, "The reason is at most 500 characters.").optional(),
});

export const renewCredentialSchema = z.object({
  expirationDate: futureDate("expirationDate").optional().describe("Defaults to the old credential's validity period, from now."),
});

export const listCredentialsQuerySchema = z.object({
  limit: z.coerce.number({ error: "limit must be a number." }).int().min(1, "limit is at least 1.").max(500, "limit is at most 500.").default(100),
  status: z.enum(CREDENTIAL_STATUSES, { error: `status must be one of ${CREDENTIAL_STATUSES.join(", ")}.` }).optional(),
  createdAfter: isoDateTime.optional().describe("Only credentials created after this moment."),
  cursor: z.string().max(200).optional().describe("nextCursor from the previous page."),
});

export const credentialSchema = z.object({
  credentialId: z.string(),
  credentialUuid: z.string(),
  badgeId: z.string(),
  recipientEmail: z.string(),
  recipientName: z.string().nullable(),
  status: z.enum(CREDENTIAL_STATUSES),
  issuanceDate: z.string(),
  expirationDate: z.string().nullable(),
  claimedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revocationReason: z.string().nullable(),
  renewedFromId: z.string().nullable(),
  renewedById: z.string().nullable(),
  bulkIssuanceId: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});

export const bulkIssuanceSchema = z.object({
  id: z.string(),
  badgeId: z.string(),
  status: z.enum(["pending", "running", "completed"]),
  recipientCount: z.number(),
  issuedCount: z.number(),
  failedCount: z.number(),
  failures: z.array(z.object({ index: z.number(), email: z.string(), reason: z.string() })),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});

export type CredentialView = z.infer<typeof credentialSchema>;
export type SessionView = z.infer<typeof sessionSchema>;
export type BulkIssuanceView = z.infer<typeof bulkIssuanceSchema>;

/** claim takes no fields; an empty body or `{}` is fine. */
export const claimCredentialSchema = z.object({});

// ---- endpoints ---------------------------------------------------------------------------------------------------

/** A signature verification check takes no fields; an empty body or `{}` is fine. */
export const verificationCheckRequestSchema = z.object({});

export const verificationRunSchema = z.object({
  id: z.string().describe("vchk_..."),
  endpointId: z.string(),
  url: z.string().describe("The endpoint URL the check ran against."),
  signatureScheme: z.enum(["v1", "v1a"]),
  outcome: z.enum(["passed", "failed", "inconclusive"]).describe("passed: every case as a verifying receiver answers; failed: at least one finding; inconclusive: some case got no answer."),
  summary: z.string().describe("One sentence naming the worst finding."),
  worstCase: z.number().nullable().describe("The case (1-6) behind the summary; null when every case passed."),
  fix: z.string().nullable(),
  cases: z.array(
    z.object({
      number: z.number(),
      key: z.enum(["signed", "wrong_secret", "tampered_body", "stale_timestamp", "redelivery", "unsigned"]),
      title: z.string(),
      expected: z.enum(["accept", "reject"]).describe("accept: a verifying receiver answers 2xx; reject: anything else."),
      sent: z.object({ description: z.string(), headers: z.record(z.string(), z.string()), customHeaders: z.array(z.string()) }),
      status: z.number().nullable(),
      durationMs: z.number().nullable(),
      responseExcerpt: z.string().nullable(),
      errorClass: z.string().nullable(),
      errorMessage: z.string().nullable(),
      verdict: z.enum(["pass", "fail", "inconclusive", "not_sent"]),
      explanation: z.string(),
    }),
  ),
  createdAt: z.string(),
});
