import { z } from "zod";
import { EVENT_CATALOG } from "@/lib/events/catalog";
import {
  bulkIssuanceSchema,
  bulkIssueSchema,
  completeSessionSchema,
  createSessionSchema,
  credentialSchema,
  eventEnvelopeSchema,
  issueCredentialSchema,
  listCredentialsQuerySchema,
  listEventsQuerySchema,
  publishEventSchema,
  publishEventBatchSchema,
  batchPublishResultSchema,
  renewCredentialSchema,
  revokeCredentialSchema,
  sessionSchema,
  verificationCheckRequestSchema,
  verificationRunSchema,
} from "./schemas";
import { endpointListSchema, endpointResourceSchema, updateEndpointRequestSchema } from "./endpoints";

/**
 * The public API described once: the OpenAPI document (`GET /api/v1/openapi.json`) and the portal's API page are
 * both generated from this list and from the zod schemas the routes validate with.
 */
export interface ApiOperation {
  method: "GET" | "POST" | "PATCH";
  path: string;
  summary: string;
  description: string;
  tag: "Events" | "Sessions" | "Credentials" | "Webhooks";
  /** Needs no API key (and so has no key rate limit). */
  public?: boolean;
  body?: z.ZodType;
  query?: z.ZodObject;
  pathParams?: Record<string, string>;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** A body for the curl example. */
  example?: Record<string, unknown>;
}

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string().describe("Meant for people: says what to change."),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const COMMON_ERRORS = {
  401: { description: "Missing, unknown or revoked API key." },
  429: { description: "Over the key's rate limit; see the Retry-After header." },
};
const BODY_ERRORS = {
  400: { description: "Not valid JSON, or the body does not match the schema: `issues` lists each problem." },
  413: { description: "The body is over 256 KB." },
};

const credentialIdParam = { id: "A credential id (CRD-...) or its UUID." };

export const API_OPERATIONS: ApiOperation[] = [
  {
    method: "POST",
    path: "/api/v1/events",
    tag: "Events",
    summary: "Publish an event",
    description: "Validates the data against the type's schema in the event catalog and delivers it to every subscribed endpoint.",
    body: publishEventSchema,
    responses: {
      202: { description: "Published.", schema: z.object({ id: z.string() }) },
      200: { description: "The idempotency key was used before: the first event's id; nothing new is sent.", schema: z.object({ id: z.string() }) },
      ...BODY_ERRORS,
    },
    example: { type: "credential.revoked", data: EVENT_CATALOG.find((e) => e.type === "credential.revoked")!.example, idempotencyKey: "revoke-CRD-ZBUYQMTA" },
  },
  {
    method: "POST",
    path: "/api/v1/events/batch",
    tag: "Events",
    summary: "Publish up to 500 events",
    description:
      "Each event is validated and published as by POST /api/v1/events, with its own idempotency key and its own result (202, 200 for a key seen before, or a 4xx with the reason); one refused event never refuses the others. The request counts once against the key's rate limit. Body limit 1 MB.",
    body: publishEventBatchSchema,
    responses: {
      200: { description: "One result per event, in the request's order.", schema: batchPublishResultSchema },
      400: { description: "Not valid JSON, or not { events: [...] } with 1 to 500 events: `issues` lists each problem." },
      413: { description: "The body is over 1 MB." },
    },
    example: {
      events: [
        { type: "credential.revoked", data: EVENT_CATALOG.find((e) => e.type === "credential.revoked")!.example, idempotencyKey: "revoke-CRD-ZBUYQMTA" },
      ],
    },
  },
  {
    method: "GET",
    path: "/api/v1/events",
    tag: "Events",
    summary: "Poll for events",
    description:
      "Your events in publishing order, after the event `after`, in the same envelope a webhook carries. Keep `next` and pass it as `after` on the next call.",
    query: listEventsQuerySchema,
    responses: {
      200: {
        description: "A page of events.",
        schema: z.object({ data: z.array(eventEnvelopeSchema), next: z.string().nullable(), hasMore: z.boolean() }),
      },
      400: { description: "A bad query parameter, or `after` is not one of your events." },
    },
  },
  {
    method: "POST",
    path: "/api/v1/sessions",
    tag: "Sessions",
    summary: "Start a verification session",
    description: "Creates a session in status PENDING.",
    body: createSessionSchema,
    responses: {
      201: { description: "Created.", schema: sessionSchema },
      200: { description: "The idempotency key was used before: the first session.", schema: sessionSchema },
      ...BODY_ERRORS,
    },
    example: { platform: "linkedin", referenceId: "applicant-20931", metadata: { campaign: "onboarding" } },
  },
  {
    method: "GET",
    path: "/api/v1/sessions/{id}",
    tag: "Sessions",
    summary: "Get a session",
    description: "The session and its status.",
    pathParams: { id: "The session id (ses_...)." },
    responses: { 200: { description: "The session.", schema: sessionSchema }, 404: { description: "No session with that id." } },
  },
  {
    method: "POST",
    path: "/api/v1/sessions/{id}/complete",
    tag: "Sessions",
    summary: "Complete a session",
    description:
      "Moves a PENDING session to its terminal status exactly once and publishes the matching session.* event. The raw attestation is hashed; only its SHA-256 is kept and sent.",
    pathParams: { id: "The session id (ses_...)." },
    body: completeSessionSchema,
    responses: {
      200: { description: "The session, now terminal.", schema: sessionSchema },
      404: { description: "No session with that id." },
      409: { description: "The session already reached a terminal status." },
      ...BODY_ERRORS,
    },
    example: { status: "COMPLETED", account: { username: "jane-doe", verified: true }, attestation: "eyJhbGciOi..." },
  },
  {
    method: "POST",
    path: "/api/v1/credentials",
    tag: "Credentials",
    summary: "Issue a credential",
    description: "Issues one credential and publishes credential.issued.",
    body: issueCredentialSchema,
    responses: {
      201: { description: "Issued.", schema: credentialSchema },
      200: { description: "The idempotency key was used before: the first credential.", schema: credentialSchema },
      ...BODY_ERRORS,
    },
    example: { badgeId: "BDG-CLOUD-ARCH", recipientEmail: "jane.doe@example.com", recipientName: "Jane Doe", expirationDate: "2028-11-22T09:00:00Z" },
  },
  {
    method: "GET",
    path: "/api/v1/credentials",
    tag: "Credentials",
    summary: "Poll for credentials",
    description:
      "Your credentials in creation order (stable: createdAt, then id), filtered by status and createdAfter. Keep `nextCursor` and pass it as `cursor` next time.",
    query: listCredentialsQuerySchema,
    responses: {
      200: {
        description: "A page of credentials.",
        schema: z.object({ data: z.array(credentialSchema), nextCursor: z.string().nullable(), hasMore: z.boolean() }),
      },
      400: { description: "A bad query parameter or cursor." },
    },
  },
  {
    method: "POST",
    path: "/api/v1/credentials/bulk",
    tag: "Credentials",
    summary: "Issue credentials in bulk",
    description:
      "Up to 1,000 recipients, issued by a background job: one credential.issued per credential, then bulk_issuance.completed with the counts. A malformed or repeated address counts as failed instead of refusing the batch.",
    body: bulkIssueSchema,
    responses: {
      202: { description: "Accepted; follow it with GET /api/v1/credentials/bulk/{id}.", schema: bulkIssuanceSchema },
      200: { description: "The idempotency key was used before: the first bulk issuance.", schema: bulkIssuanceSchema },
      ...BODY_ERRORS,
    },
    example: { badgeId: "BDG-CLOUD-ARCH", recipients: [{ email: "jane.doe@example.com", name: "Jane Doe" }, { email: "sam@example.com" }] },
  },
  {
    method: "GET",
    path: "/api/v1/credentials/bulk/{id}",
    tag: "Credentials",
    summary: "Get a bulk issuance",
    description: "Its status (pending, running, completed), counts and failures.",
    pathParams: { id: "The bulk issuance id (BLK-...)." },
    responses: { 200: { description: "The bulk issuance.", schema: bulkIssuanceSchema }, 404: { description: "No bulk issuance with that id." } },
  },
  {
    method: "GET",
    path: "/api/v1/credentials/{id}",
    tag: "Credentials",
    summary: "Get a credential",
    description: "The credential and its status.",
    pathParams: credentialIdParam,
    responses: { 200: { description: "The credential.", schema: credentialSchema }, 404: { description: "No credential with that id." } },
  },
  {
    method: "POST",
    path: "/api/v1/credentials/{id}/claim",
    tag: "Credentials",
    summary: "Claim a credential",
    description: "The recipient claimed it: issued -> claimed, once, before it expires. Publishes credential.claimed.",
    pathParams: credentialIdParam,
    responses: {
      200: { description: "Claimed.", schema: credentialSchema },
      404: { description: "No credential with that id." },
      409: { description: "Already claimed, revoked, expired or superseded." },
    },
  },
  {
    method: "POST",
    path: "/api/v1/credentials/{id}/revoke",
    tag: "Credentials",
    summary: "Revoke a credential",
    description: "Revokes an issued or claimed credential, once. Publishes credential.revoked.",
    pathParams: credentialIdParam,
    body: revokeCredentialSchema,
    responses: {
      200: { description: "Revoked.", schema: credentialSchema },
      404: { description: "No credential with that id." },
      409: { description: "Already revoked, expired or superseded." },
      ...BODY_ERRORS,
    },
    example: { reason: "Issued in error" },
  },
  {
    method: "POST",
    path: "/api/v1/credentials/{id}/renew",
    tag: "Credentials",
    summary: "Renew a credential",
    description:
      "Issues a successor with the same badge and recipient; the old one becomes superseded. Publishes credential.renewed with both ids.",
    pathParams: credentialIdParam,
    body: renewCredentialSchema,
    responses: {
      201: { description: "The successor.", schema: credentialSchema },
      404: { description: "No credential with that id." },
      409: { description: "Revoked or already renewed." },
      ...BODY_ERRORS,
    },
    example: { expirationDate: "2030-11-22T09:00:00Z" },
  },
  {
    method: "GET",
    path: "/api/v1/endpoints",
    tag: "Webhooks",
    summary: "List endpoints",
    description:
      "The organization's webhook endpoints (deleted ones left out), newest first, each with its health: `healthy`, `failing` (since the first failed attempt after a success, with the last failure) or `disabled` (with its cause: `gone` for a 410, `consecutive_failures` for 50 failed deliveries in a row, `failing_too_long` for 3 days failing, `person`).",
    responses: { 200: { description: "The endpoints.", schema: endpointListSchema } },
  },
  {
    method: "GET",
    path: "/api/v1/endpoints/{id}",
    tag: "Webhooks",
    summary: "Get an endpoint",
    description: "One endpoint: its settings (never its secret or custom header values), its health and its Alert emails.",
    pathParams: { id: "The endpoint id (ep_...)." },
    responses: { 200: { description: "The endpoint.", schema: endpointResourceSchema }, 404: { description: "No endpoint with that id." } },
  },
  {
    method: "PATCH",
    path: "/api/v1/endpoints/{id}",
    tag: "Webhooks",
    summary: "Set an endpoint's Alert emails and ordered delivery",
    description:
      "Replaces the endpoint's Alert emails: up to 10 addresses that get its alerts (failing, about to be disabled, disabled, recovered) beside the organization's owners. Each alert has a one-click unsubscribe. `ordered: true` switches on ordered delivery: events arrive one at a time in the order they were published, the next once the one before succeeded, spent its retries or was cancelled. A field left out stays as it is.",
    pathParams: { id: "The endpoint id (ep_...)." },
    body: updateEndpointRequestSchema,
    responses: {
      200: { description: "The endpoint after the change.", schema: endpointResourceSchema },
      404: { description: "No endpoint with that id." },
      ...BODY_ERRORS,
    },
    example: { alertEmails: ["oncall@acme.example"], ordered: true },
  },
  {
    method: "POST",
    path: "/api/v1/endpoints/{id}/verification-checks",
    tag: "Webhooks",
    summary: "Check an endpoint's signature verification",
    description:
      "Sends six requests, marked as tests, to the endpoint through the real delivery path and reports whether it verifies signatures: a correctly signed event (expects 2xx), a wrong signature, a body changed after signing, a 10-minute-old timestamp, a retry of the first event (expects 2xx) and no signature at all (each expects a refusal). Never counts as a delivery. At most 2 checks per endpoint per minute (429 with a message beyond); the endpoint list's \"Verifies signatures\" badge follows the latest check.",
    pathParams: { id: "The endpoint id (ep_...)." },
    body: verificationCheckRequestSchema,
    responses: {
      201: { description: "The check ran: its report.", schema: verificationRunSchema },
      404: { description: "No endpoint with that id." },
      409: { description: "The endpoint is disabled." },
      ...BODY_ERRORS,
    },
    example: {},
  },
  {
    method: "GET",
    path: "/api/v1/signature-test-vectors.json",
    tag: "Webhooks",
    public: true,
    summary: "Signature test vectors",
    description:
      "Fixed inputs (webhook-id, webhook-timestamp, raw body, v1 secrets and v1a ed25519 keys) and the exact webhook-signature and X-<Brand>-Signature headers Herald sends for them: check your receiver's verification code against known answers. Public (no API key), cacheable, the same file as lib/delivery/signature-test-vectors.json in the repository.",
    responses: {
      200: {
        description: "The vectors.",
        schema: z.object({
          description: z.string(),
          rules: z.record(z.string(), z.string()),
          vectors: z.array(
            z.object({
              name: z.string(),
              id: z.string(),
              timestamp: z.number(),
              body: z.string(),
              keys: z.array(z.record(z.string(), z.string())),
              webhookSignature: z.string(),
              brandSignature: z.string().nullable(),
            }),
          ),
        }),
      },
    },
  },
];

type JsonSchema = Record<string, unknown>;

/** zod's long regular expressions for formats it also names (date-time, email, uuid) only add noise: drop them. */
function dropFormatPatterns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropFormatPatterns);
  if (!value || typeof value !== "object") return value;
  const entries = Object.entries(value as JsonSchema).filter(([key]) => !(key === "pattern" && "format" in (value as JsonSchema)));
  return Object.fromEntries(entries.map(([key, v]) => [key, dropFormatPatterns(v)]));
}

export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "output"): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return dropFormatPatterns(rest) as JsonSchema;
}

export function parametersOf(op: Pick<ApiOperation, "pathParams" | "query">): unknown[] {
  const params: unknown[] = Object.entries(op.pathParams ?? {}).map(([name, description]) => ({
    name,
    in: "path",
    required: true,
    description,
    schema: { type: "string" },
  }));
  if (op.query) {
    const schema = jsonSchemaOf(op.query, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const { description, ...rest } = property;
      params.push({ name, in: "query", required: schema.required?.includes(name) ?? false, description, schema: rest });
    }
  }
  return params;
}

/** The OpenAPI 3.1 document of the public API, with the event catalog's payloads as webhooks. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) {
    const responses: Record<string, unknown> = {};
    const all: Record<string, { description: string; schema?: z.ZodType }> = { ...op.responses, ...(op.public ? {} : COMMON_ERRORS) };
    for (const [status, r] of Object.entries(all)) {
      const schema = r.schema ?? (Number(status) >= 400 ? errorSchema : undefined);
      responses[status] = { description: r.description, ...(schema ? { content: { "application/json": { schema: jsonSchemaOf(schema) } } } : {}) };
    }
    (paths[op.path] ??= {})[op.method.toLowerCase()] = {
      operationId: `${op.method.toLowerCase()}${op.path.replace(/\/api\/v1|[{}]/g, "").replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())}`,
      tags: [op.tag],
      ...(op.public ? { security: [] } : {}),
      summary: op.summary,
      description: op.description,
      parameters: parametersOf(op),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: jsonSchemaOf(op.body, "input"), ...(op.example ? { example: op.example } : {}) } },
            },
          }
        : {}),
      responses,
    };
  }
  const webhooks = Object.fromEntries(
    EVENT_CATALOG.map((e) => [
      e.type,
      {
        post: {
          summary: e.type,
          description: e.description,
          requestBody: {
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["id", "type", "createdAt", "data"],
                  properties: {
                    id: { type: "string", description: "evt_...; also the webhook-id header, the same on every retry" },
                    type: { const: e.type },
                    createdAt: { type: "string", format: "date-time" },
                    data: jsonSchemaOf(e.schema),
                  },
                },
                example: { id: "evt_3k9f2m1q8x7v6b5n4c3z2a1s", type: e.type, createdAt: "2026-11-22T10:15:00.000Z", data: e.example },
              },
            },
          },
          responses: { "2XX": { description: "Any 2xx acknowledges the delivery; anything else is retried." } },
        },
      },
    ]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "Herald API",
      version: "1.0.0",
      description: "Publish events, drive verification sessions and credentials, and poll for what happened. Errors: { error: { code, message, issues? } }.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An API key: hk_live_..." } } },
    tags: [{ name: "Events" }, { name: "Sessions" }, { name: "Credentials" }, { name: "Webhooks" }],
    paths,
    webhooks,
  };
}
