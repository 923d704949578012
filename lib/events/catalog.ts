import { z } from "zod";

/**
 * The event catalog: every event type Herald delivers, defined once. It drives payload validation, the event
 * choices on the endpoint form, Send test event, the docs page and the OpenAPI document. Payloads travel in the
 * envelope `{ id: "evt_...", type, createdAt, data }`.
 */

export const isoDateTime = z.iso.datetime({ offset: true, error: "Use an ISO 8601 date-time, e.g. 2026-11-22T10:00:00Z." });
const nonEmpty = (max: number) => z.string().trim().min(1).max(max);

/** Keys that start with `_` or `internal` are the platform's own and are stripped before delivery. */
export function stripInternalMetadata(metadata: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!metadata) return metadata;
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !key.startsWith("_") && !/^internal/i.test(key)));
}

export const SESSION_STATUSES = ["COMPLETED", "PARTIAL_COMPLETE", "ERROR", "CANCELLED", "TERMINATED"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const metadataSchema = z
  .record(z.string().max(100), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
  .refine((m) => Object.keys(m).length <= 50, "At most 50 metadata keys.")
  .optional();

const sessionData = (status: SessionStatus) =>
  z.object({
    sessionId: nonEmpty(100),
    status: z.literal(status),
    platform: nonEmpty(100),
    referenceId: nonEmpty(200).optional(),
    account: z.record(z.string(), z.unknown()).optional(),
    attestation: z.object({ sha256: z.string().regex(/^[a-f0-9]{64}$/, "attestation.sha256 must be 64 hex characters.") }).optional(),
    completedAt: isoDateTime,
    metadata: metadataSchema,
  });

const credentialBase = z.object({
  credentialId: nonEmpty(100),
  credentialUuid: z.uuid(),
  badgeId: nonEmpty(100),
  recipientEmail: z.email(),
  issuanceDate: isoDateTime,
  expirationDate: isoDateTime.optional(),
});

const EXAMPLE_SESSION = {
  sessionId: "ses_8f2k4m1q9x",
  platform: "linkedin",
  referenceId: "applicant-20931",
  completedAt: "2026-11-22T10:15:00Z",
  metadata: { campaign: "onboarding" },
};

const EXAMPLE_CREDENTIAL = {
  credentialId: "CRD-ZBUYQMTA",
  credentialUuid: "5f0c7c1e-2f4b-4a7e-9a51-0d6a3c7e9b21",
  badgeId: "BDG-CLOUD-ARCH",
  recipientEmail: "jane.doe@example.com",
  issuanceDate: "2026-11-22T09:00:00Z",
  expirationDate: "2028-11-22T09:00:00Z",
};

export interface EventTypeDefinition {
  type: string;
  category: "Verification sessions" | "Credentials";
  description: string;
  schema: z.ZodType;
  example: Record<string, unknown>;
}

export const EVENT_CATALOG = [
  {
    type: "session.completed",
    category: "Verification sessions",
    description: "A verification session completed; carries the verified account data.",
    schema: sessionData("COMPLETED"),
    example: {
      ...EXAMPLE_SESSION,
      status: "COMPLETED",
      account: { username: "jane-doe", displayName: "Jane Doe", verified: true },
      attestation: { sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" },
    },
  },
  {
    type: "session.partial_complete",
    category: "Verification sessions",
    description: "A session ended with only part of the requested verification done.",
    schema: sessionData("PARTIAL_COMPLETE"),
    example: { ...EXAMPLE_SESSION, status: "PARTIAL_COMPLETE" },
  },
  {
    type: "session.error",
    category: "Verification sessions",
    description: "A session ended because of an error on the platform or at the provider.",
    schema: sessionData("ERROR"),
    example: { ...EXAMPLE_SESSION, status: "ERROR" },
  },
  {
    type: "session.cancelled",
    category: "Verification sessions",
    description: "The person cancelled the verification session.",
    schema: sessionData("CANCELLED"),
    example: { ...EXAMPLE_SESSION, status: "CANCELLED" },
  },
  {
    type: "session.terminated",
    category: "Verification sessions",
    description: "The platform terminated the session (expired or stopped by an operator).",
    schema: sessionData("TERMINATED"),
    example: { ...EXAMPLE_SESSION, status: "TERMINATED" },
  },
  {
    type: "credential.issued",
    category: "Credentials",
    description: "A credential was issued to a recipient, singly or as part of a bulk issuance.",
    schema: credentialBase.extend({ bulkIssuanceId: nonEmpty(100).optional() }),
    example: { ...EXAMPLE_CREDENTIAL },
  },
  {
    type: "credential.claimed",
    category: "Credentials",
    description: "The recipient claimed their credential.",
    schema: credentialBase.extend({ claimedAt: isoDateTime }),
    example: { ...EXAMPLE_CREDENTIAL, claimedAt: "2026-11-22T11:30:00Z" },
  },
  {
    type: "credential.revoked",
    category: "Credentials",
    description: "The issuer revoked a credential.",
    schema: credentialBase.extend({ revokedAt: isoDateTime, reason: z.string().max(500).optional() }),
    example: { ...EXAMPLE_CREDENTIAL, revokedAt: "2026-11-23T08:00:00Z", reason: "Issued in error" },
  },
  {
    type: "credential.expired",
    category: "Credentials",
    description: "A credential passed its expiration date.",
    schema: credentialBase.extend({ expirationDate: isoDateTime, expiredAt: isoDateTime }),
    example: { ...EXAMPLE_CREDENTIAL, expiredAt: "2028-11-22T09:00:00Z" },
  },
  {
    type: "credential.renewed",
    category: "Credentials",
    description: "A new credential supersedes an old one; both ids are given.",
    schema: credentialBase.extend({
      previousCredentialId: nonEmpty(100),
      previousCredentialUuid: z.uuid(),
      renewedAt: isoDateTime,
    }),
    example: {
      ...EXAMPLE_CREDENTIAL,
      credentialId: "CRD-QWHT7KPL",
      credentialUuid: "0b8e2d55-61a9-4c3f-8d2e-7f1a9c4b6e10",
      previousCredentialId: "CRD-ZBUYQMTA",
      previousCredentialUuid: "5f0c7c1e-2f4b-4a7e-9a51-0d6a3c7e9b21",
      renewedAt: "2028-11-01T09:00:00Z",
    },
  },
  {
    type: "bulk_issuance.completed",
    category: "Credentials",
    description: "A bulk issuance finished, with counts of credentials issued and failed.",
    schema: z.object({
      bulkIssuanceId: nonEmpty(100),
      badgeId: nonEmpty(100),
      issuedCount: z.number().int().min(0),
      failedCount: z.number().int().min(0),
      completedAt: isoDateTime,
    }),
    example: { bulkIssuanceId: "BLK-4RT9Q2", badgeId: "BDG-CLOUD-ARCH", issuedCount: 248, failedCount: 2, completedAt: "2026-11-22T12:00:00Z" },
  },
] as const satisfies readonly EventTypeDefinition[];

export type EventType = (typeof EVENT_CATALOG)[number]["type"];
export const EVENT_TYPES = EVENT_CATALOG.map((e) => e.type) as [EventType, ...EventType[]];
export const eventTypeSchema = z.enum(EVENT_TYPES, { error: "Choose an event type from the catalog." });

export function findEventType(type: string): EventTypeDefinition | undefined {
  return EVENT_CATALOG.find((e) => e.type === type);
}

/** The catalog without schemas: what client components (the endpoint form) need. */
export const EVENT_CHOICES = EVENT_CATALOG.map(({ type, category, description }) => ({ type, category, description }));
export type EventChoice = (typeof EVENT_CHOICES)[number];
