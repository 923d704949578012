import { z } from "zod";
import { endpointListSchema } from "@/lib/api/endpoints";
import { errorSchema, jsonSchemaOf, parametersOf } from "@/lib/api/openapi";
import { publishEventSchema } from "@/lib/api/schemas";
import { EVENT_CATALOG } from "@/lib/events/catalog";
import { portalSessionRequestSchema, portalSessionResponseSchema } from "./portal-sessions";
import {
  createPlatformInvitationSchema,
  createPlatformOrganizationSchema,
  deliveryListSchema,
  invitationResourceSchema,
  listDeliveriesQuerySchema,
  listOrganizationsQuerySchema,
  organizationListSchema,
  organizationResourceSchema,
  updatePlatformOrganizationSchema,
} from "./schemas";

/**
 * The platform API described once: its OpenAPI document (`GET /api/platform/v1/openapi.json`) and the platform
 * section of the API reference page are generated from this list and from the zod schemas the routes validate with.
 */
export interface PlatformOperation {
  method: "GET" | "POST" | "PATCH";
  path: string;
  summary: string;
  description: string;
  tag: "Organizations" | "Events" | "Webhooks" | "People" | "Portal";
  body?: z.ZodType;
  query?: z.ZodObject;
  pathParams?: Record<string, string>;
  headers?: Record<string, string>;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  example?: Record<string, unknown>;
}

const COMMON_ERRORS = {
  401: { description: "Missing, unknown or revoked platform key (a partner's hk_live_ key included)." },
  429: { description: "Over the key's rate limit; see the Retry-After header." },
};
const BODY_ERRORS = {
  400: { description: "Not valid JSON, or the body does not match the schema: `issues` lists each problem." },
  413: { description: "The body is over 256 KB." },
};
const ORG = { org: "Herald's organization id (org_...) or ext:<externalId>, the external id percent-encoded where it holds / ? # or %." };
const NOT_FOUND = { 404: { description: "No organization with that id or external id." } };

const conflictSchema = z.object({
  error: z.object({
    code: z.string().describe("conflict:external_id, conflict:organization (the slug) or conflict:idempotency_key."),
    message: z.string(),
    existingId: z.string().optional().describe("With conflict:external_id: the organization that has the external id."),
  }),
});

export const PLATFORM_OPERATIONS: PlatformOperation[] = [
  {
    method: "POST",
    path: "/api/platform/v1/organizations",
    tag: "Organizations",
    summary: "Create an organization",
    description:
      "Creates a partner's organization (nobody in it until an invitation is accepted or a magic link brings someone). The externalId is unique: the same one again answers 409 with the existing id, unless the idempotency key (body or Idempotency-Key header) matches the first request's, which answers 200 with the first result.",
    body: createPlatformOrganizationSchema,
    headers: { "Idempotency-Key": "Instead of idempotencyKey in the body." },
    responses: {
      201: { description: "Created.", schema: organizationResourceSchema },
      200: { description: "The idempotency key was used before with the same request: the organization it created.", schema: organizationResourceSchema },
      409: { description: "Another organization has the externalId (`existingId` names it), the slug is taken, or the idempotency key was used with a different request.", schema: conflictSchema },
      ...BODY_ERRORS,
    },
    example: { name: "Initech", externalId: "crm-4711", plan: "enterprise", idempotencyKey: "signup-4711" },
  },
  {
    method: "GET",
    path: "/api/platform/v1/organizations",
    tag: "Organizations",
    summary: "List organizations",
    description: "Partner organizations in creation order, a page at a time: pass nextCursor as cursor for the next page. externalId finds one.",
    query: listOrganizationsQuerySchema,
    responses: { 200: { description: "A page of organizations.", schema: organizationListSchema }, 400: { description: "A bad query parameter or cursor." } },
  },
  {
    method: "GET",
    path: "/api/platform/v1/organizations/{org}",
    tag: "Organizations",
    summary: "Get an organization",
    description: "One organization by Herald's id or ext:<externalId>.",
    pathParams: ORG,
    responses: { 200: { description: "The organization.", schema: organizationResourceSchema }, ...NOT_FOUND },
  },
  {
    method: "PATCH",
    path: "/api/platform/v1/organizations/{org}",
    tag: "Organizations",
    summary: "Update an organization",
    description:
      "Renames it, sets its plan by hand (as Admin -> Organizations does), or deactivates (active: false: nobody signs in, its sessions end, deliveries are held) and reactivates it. Each change is in the audit log as the key.",
    pathParams: ORG,
    body: updatePlatformOrganizationSchema,
    responses: { 200: { description: "The organization after the change.", schema: organizationResourceSchema }, ...NOT_FOUND, 409: { description: "The new name clashes." }, ...BODY_ERRORS },
    example: { plan: "enterprise", active: true },
  },
  {
    method: "POST",
    path: "/api/platform/v1/organizations/{org}/events",
    tag: "Events",
    summary: "Publish an event for an organization",
    description:
      "Exactly POST /api/v1/events for that organization: the data validated against the type's schema in the event catalog, delivered to every subscribed endpoint, the idempotency key honoured per organization.",
    pathParams: ORG,
    body: publishEventSchema,
    responses: {
      202: { description: "Published.", schema: z.object({ id: z.string() }) },
      200: { description: "The idempotency key was used before: the first event's id; nothing new is sent.", schema: z.object({ id: z.string() }) },
      403: { description: "The organization is deactivated." },
      ...NOT_FOUND,
      ...BODY_ERRORS,
    },
    example: { type: "credential.revoked", data: EVENT_CATALOG.find((e) => e.type === "credential.revoked")!.example, idempotencyKey: "revoke-CRD-ZBUYQMTA" },
  },
  {
    method: "GET",
    path: "/api/platform/v1/organizations/{org}/endpoints",
    tag: "Webhooks",
    summary: "List an organization's endpoints",
    description: "As GET /api/v1/endpoints: its webhook endpoints with their health, never their secrets or custom header values.",
    pathParams: ORG,
    responses: { 200: { description: "The endpoints.", schema: endpointListSchema }, ...NOT_FOUND },
  },
  {
    method: "GET",
    path: "/api/platform/v1/organizations/{org}/deliveries",
    tag: "Webhooks",
    summary: "List an organization's deliveries",
    description: "Its deliveries newest first, 50 a page, optionally of one status: what Webhooks -> Logs shows, without payloads.",
    pathParams: ORG,
    query: listDeliveriesQuerySchema,
    responses: { 200: { description: "A page of deliveries.", schema: deliveryListSchema }, 400: { description: "A bad status or cursor." }, ...NOT_FOUND },
  },
  {
    method: "POST",
    path: "/api/platform/v1/organizations/{org}/invitations",
    tag: "People",
    summary: "Invite someone into an organization",
    description:
      "The portal's invitation: an email with a link valid for 7 days (kept under Admin -> Emails when Herald has no SMTP). An address that is already a member or already invited is a 409 with a message.",
    pathParams: ORG,
    body: createPlatformInvitationSchema,
    responses: {
      201: { description: "Invited.", schema: invitationResourceSchema },
      409: { description: "Already a member, already invited, or the organization is deactivated." },
      ...NOT_FOUND,
      ...BODY_ERRORS,
    },
    example: { email: "owner@initech.example", role: "owner" },
  },
  // ---- PORTAL SESSIONS (magic links; the route and its schemas are lib/platform/portal-sessions.ts) -----------
  {
    method: "POST",
    path: "/api/platform/v1/organizations/{org}/portal-sessions",
    tag: "Portal",
    summary: "Open the portal: a magic link",
    description:
      "A link that signs the visitor into that organization's portal and lands on Webhooks. It works once, within its lifetime (5 minutes unless expiresInSeconds says otherwise, at most 1 hour). With email, the session is that person's (made a member with role if they are not one yet); without it, an anonymous portal session with role. The token is in this answer only.",
    pathParams: ORG,
    body: portalSessionRequestSchema,
    responses: {
      201: { description: "The link.", schema: portalSessionResponseSchema },
      409: { description: "The organization is deactivated." },
      ...NOT_FOUND,
      ...BODY_ERRORS,
    },
    example: { email: "owner@initech.example", role: "owner", expiresInSeconds: 300 },
  },
];

function operationId(op: PlatformOperation): string {
  return `${op.method.toLowerCase()}${op.path.replace(/\/api\/platform\/v1|[{}]/g, "").replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`;
}

/** The OpenAPI 3.1 document of the platform API. */
export function platformOpenApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of PLATFORM_OPERATIONS) {
    const responses: Record<string, unknown> = {};
    const all: Record<string, { description: string; schema?: z.ZodType }> = { ...op.responses, ...COMMON_ERRORS };
    for (const [status, r] of Object.entries(all)) {
      const schema = r.schema ?? (Number(status) >= 400 ? errorSchema : undefined);
      responses[status] = { description: r.description, ...(schema ? { content: { "application/json": { schema: jsonSchemaOf(schema) } } } : {}) };
    }
    const headerParams = Object.entries(op.headers ?? {}).map(([name, description]) => ({ name, in: "header", required: false, description, schema: { type: "string" } }));
    (paths[op.path] ??= {})[op.method.toLowerCase()] = {
      operationId: operationId(op),
      tags: [op.tag],
      summary: op.summary,
      description: op.description,
      parameters: [...parametersOf(op), ...headerParams],
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
  return {
    openapi: "3.1.0",
    info: {
      title: "Herald platform API",
      version: "1.0.0",
      description:
        "For the platform's own backend, with a platform key (Admin -> Platform API): provision partners' organizations, publish events for any of them, read their endpoints and deliveries, invite their people. Every change is in the audit log as the key. Errors: { error: { code, message, issues? } }.",
    },
    servers: [{ url: serverUrl }],
    security: [{ platformKey: [] }],
    components: { securitySchemes: { platformKey: { type: "http", scheme: "bearer", description: "A platform key: hk_platform_..." } } },
    tags: [{ name: "Organizations" }, { name: "Events" }, { name: "Webhooks" }, { name: "People" }, { name: "Portal" }],
    paths,
  };
}
