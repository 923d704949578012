import { z } from "zod";
import { isoDateTime } from "./catalog";

/**
 * Operational events: what Herald tells the platform (not its partners) about partners' endpoints, delivered to the
 * endpoints registered under Admin -> Operational webhooks by the same engine, signed the same way, in the same
 * envelope `{ id, type, createdAt, data }`. Every event names the organization (Herald's id and the platform's own
 * `externalId`), the endpoint, what caused it (`actor`) and why (`reason`). Like the partner catalog, each type has a
 * schema and an example; the Event catalog page shows them in their own group.
 */

export const OPERATIONAL_CATEGORY = "Operational (platform)";

const organization = z.object({
  id: z.string(),
  /** The platform's own id for this customer, when one was set. */
  externalId: z.string().nullable(),
  name: z.string(),
});

const lastFailure = z.object({
  at: isoDateTime,
  status: z.number().int().nullable(),
  errorClass: z.string().nullable(),
  deliveryId: z.string(),
});

const endpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  /** null: every event type. */
  eventTypes: z.array(z.string()).nullable(),
  active: z.boolean(),
  health: z.enum(["healthy", "failing", "disabled"]),
  /** Why it is disabled: `gone` (410), `consecutive_failures` (50 in a row), `failing_too_long` (3 days), `person`. */
  disabledCause: z.enum(["gone", "consecutive_failures", "failing_too_long", "person"]).nullable(),
  failingSince: isoDateTime.nullable(),
  /** The endpoint's page in the partner portal. */
  portalUrl: z.string(),
});

/** Who caused it: a person (their user id and email), an API key, or Herald itself (`system`). */
const actor = z.object({
  type: z.enum(["user", "api_key", "platform_key", "system"]),
  id: z.string().nullable(),
  email: z.string().nullable(),
});

const base = z.object({
  organization,
  endpoint,
  actor,
  /** A sentence that says what happened and why. */
  reason: z.string(),
  occurredAt: isoDateTime,
});

const failureCounts = {
  /** Failed attempts (retries included) since the endpoint started failing. */
  failedAttempts: z.number().int().min(0),
  /** Deliveries in a row that failed for good (50 disables the endpoint). */
  failedDeliveries: z.number().int().min(0),
  lastFailure: lastFailure.nullable(),
};

// Example names only: the demo partners' names (Acme Verify, Globex) would read as one tenant's data on every page.
const EXAMPLE_ORGANIZATION = { id: "org_3k9f2m1q8x7v6b5n4c3z", externalId: "cust_20931", name: "Northwind Identity" };
const EXAMPLE_ENDPOINT = {
  id: "ep_8f2k4m1q9x7v6b5n4c3z",
  url: "https://hooks.northwind.example/herald",
  description: "Production receiver",
  eventTypes: null,
  active: true,
  health: "failing" as const,
  disabledCause: null,
  failingSince: "2026-11-22T10:15:00.000Z",
  portalUrl: "https://herald.example.com/webhooks/ep_8f2k4m1q9x7v6b5n4c3z",
};
const SYSTEM = { type: "system" as const, id: null, email: null };
const PERSON = { type: "user" as const, id: "usr_5t7y9u1i3o5p7a9s1d3f", email: "paula@northwind.example" };
const EXAMPLE_FAILURE = { at: "2026-11-22T10:15:00.000Z", status: 503, errorClass: "http_status", deliveryId: "dlv_2b4n6m8q0w2e4r6t8y0u2i4o" };

export interface OperationalEventDefinition {
  type: string;
  category: typeof OPERATIONAL_CATEGORY;
  description: string;
  schema: z.ZodType;
  example: Record<string, unknown>;
}

export const OPERATIONAL_EVENT_CATALOG = [
  {
    type: "endpoint.created",
    category: OPERATIONAL_CATEGORY,
    description: "A partner created an endpoint (in the portal or through the API).",
    schema: base,
    example: {
      organization: EXAMPLE_ORGANIZATION,
      endpoint: { ...EXAMPLE_ENDPOINT, health: "healthy", failingSince: null },
      actor: PERSON,
      reason: "Endpoint created by paula@northwind.example.",
      occurredAt: "2026-11-22T09:00:00.000Z",
    },
  },
  {
    type: "endpoint.updated",
    category: OPERATIONAL_CATEGORY,
    description: "A partner changed an endpoint's settings; `changedFields` names them (header values are never sent).",
    schema: base.extend({ changedFields: z.array(z.string()) }),
    example: {
      organization: EXAMPLE_ORGANIZATION,
      endpoint: { ...EXAMPLE_ENDPOINT, health: "healthy", failingSince: null },
      actor: PERSON,
      reason: "Endpoint updated by paula@northwind.example: url, timeoutSeconds.",
      changedFields: ["url", "timeoutSeconds"],
      occurredAt: "2026-11-22T09:30:00.000Z",
    },
  },
  {
    type: "endpoint.deleted",
    category: OPERATIONAL_CATEGORY,
    description: "A partner deleted an endpoint; its delivery history stays readable in the portal.",
    schema: base,
    example: {
      organization: EXAMPLE_ORGANIZATION,
      endpoint: { ...EXAMPLE_ENDPOINT, active: false, health: "disabled", disabledCause: "person", failingSince: null },
      actor: PERSON,
      reason: "Endpoint deleted by paula@northwind.example.",
      occurredAt: "2026-11-22T11:00:00.000Z",
    },
  },
  {
    type: "endpoint.enabled",
    category: OPERATIONAL_CATEGORY,
    description: "An endpoint was switched on again (its failure counts start afresh).",
    schema: base,
    example: {
      organization: EXAMPLE_ORGANIZATION,
      endpoint: { ...EXAMPLE_ENDPOINT, health: "healthy", failingSince: null },
      actor: PERSON,
      reason: "Endpoint switched on by paula@northwind.example.",
      occurredAt: "2026-11-22T12:00:00.000Z",
    },
  },
  {
    type: "endpoint.disabled",
    category: OPERATIONAL_CATEGORY,
    description:
      "An endpoint was disabled: by Herald (410 Gone, 50 failed deliveries in a row, 3 days failing; actor `system`) or by a person. `cause` says which.",
    schema: base.extend({
      cause: z.enum(["gone", "consecutive_failures", "failing_too_long", "person"]),
      ...failureCounts,
    }),
    example: {
      organization: EXAMPLE_ORGANIZATION,
      endpoint: { ...EXAMPLE_ENDPOINT, active: false, health: "disabled", disabledCause: "consecutive_failures" },
      actor: SYSTEM,
      reason: "Disabled after 50 failed deliveries in a row.",
      cause: "consecutive_failures",
      failedAttempts: 200,
      failedDeliveries: 50,
      lastFailure: EXAMPLE_FAILURE,
      occurredAt: "2026-11-22T18:40:00.000Z",
    },
  },
  {
    type: "endpoint.failing",
    category: OPERATIONAL_CATEGORY,
    description: "A healthy endpoint started failing: its first failed attempt after a success.",
    schema: base.extend(failureCounts),
    example: {
      organization: EXAMPLE_ORGANIZATION,
      endpoint: EXAMPLE_ENDPOINT,
      actor: SYSTEM,
      reason: "The endpoint answered HTTP 503.",
      failedAttempts: 1,
      failedDeliveries: 0,
      lastFailure: EXAMPLE_FAILURE,
      occurredAt: "2026-11-22T10:15:00.000Z",
    },
  },
  {
    type: "endpoint.recovered",
    category: OPERATIONAL_CATEGORY,
    description: "A failing endpoint answered 2xx again; `failedAttempts` counts the attempts that failed while it was failing.",
    schema: base.extend({ failingSince: isoDateTime, failedAttempts: z.number().int().min(0), failedDeliveries: z.number().int().min(0) }),
    example: {
      organization: EXAMPLE_ORGANIZATION,
      endpoint: { ...EXAMPLE_ENDPOINT, health: "healthy", failingSince: null },
      actor: SYSTEM,
      reason: "The endpoint answered 2xx again after failing since 2026-11-22T10:15:00.000Z.",
      failingSince: "2026-11-22T10:15:00.000Z",
      failedAttempts: 4,
      failedDeliveries: 0,
      occurredAt: "2026-11-22T10:47:00.000Z",
    },
  },
  {
    type: "endpoint.secret_rotated",
    category: OPERATIONAL_CATEGORY,
    description: "An endpoint's signing secret (or ed25519 key) was rotated, or its signature scheme switched; the old one signs alongside until `previousSecretExpiresAt`.",
    schema: base.extend({ signatureScheme: z.enum(["v1", "v1a"]), previousSecretExpiresAt: isoDateTime.nullable() }),
    example: {
      organization: EXAMPLE_ORGANIZATION,
      endpoint: { ...EXAMPLE_ENDPOINT, health: "healthy", failingSince: null },
      actor: PERSON,
      reason: "Signing secret rotated by paula@northwind.example.",
      signatureScheme: "v1",
      previousSecretExpiresAt: "2026-11-23T09:00:00.000Z",
      occurredAt: "2026-11-22T09:00:00.000Z",
    },
  },
  {
    type: "delivery.exhausted",
    category: OPERATIONAL_CATEGORY,
    description: "A delivery to a partner's endpoint failed for good: it used all its retries (or the endpoint answered 410 Gone).",
    schema: base.extend({
      delivery: z.object({
        id: z.string(),
        eventId: z.string(),
        eventType: z.string(),
        attempts: z.number().int().min(1),
        lastStatus: z.number().int().nullable(),
        lastErrorClass: z.string().nullable(),
        /** The delivery's page in the partner portal. */
        portalUrl: z.string(),
      }),
    }),
    example: {
      organization: EXAMPLE_ORGANIZATION,
      endpoint: EXAMPLE_ENDPOINT,
      actor: SYSTEM,
      reason: "All 4 attempts failed; the last one: HTTP 503.",
      delivery: {
        id: "dlv_2b4n6m8q0w2e4r6t8y0u2i4o",
        eventId: "evt_3k9f2m1q8x7v6b5n4c3z2a1s",
        eventType: "credential.issued",
        attempts: 4,
        lastStatus: 503,
        lastErrorClass: "http_status",
        portalUrl: "https://herald.example.com/webhooks/logs/dlv_2b4n6m8q0w2e4r6t8y0u2i4o",
      },
      occurredAt: "2026-11-22T10:47:00.000Z",
    },
  },
] as const satisfies readonly OperationalEventDefinition[];

export type OperationalEventType = (typeof OPERATIONAL_EVENT_CATALOG)[number]["type"];
export const OPERATIONAL_EVENT_TYPES = OPERATIONAL_EVENT_CATALOG.map((e) => e.type) as [OperationalEventType, ...OperationalEventType[]];
export const operationalEventTypeSchema = z.enum(OPERATIONAL_EVENT_TYPES, { error: "Choose an operational event type." });

export function findOperationalEventType(type: string): OperationalEventDefinition | undefined {
  return OPERATIONAL_EVENT_CATALOG.find((e) => e.type === type);
}

export function isOperationalEventType(type: string): type is OperationalEventType {
  return OPERATIONAL_EVENT_CATALOG.some((e) => e.type === type);
}

/** The catalog without schemas, for client components (the operational webhook form). */
export const OPERATIONAL_EVENT_CHOICES = OPERATIONAL_EVENT_CATALOG.map(({ type, description }) => ({ type, description }));
