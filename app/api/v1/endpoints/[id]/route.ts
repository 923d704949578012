import { NextResponse } from "next/server";
import { endpointIdSchema } from "@/app/(portal)/webhooks/schemas";
import { toEndpointResource, updateEndpointRequestSchema } from "@/lib/api/endpoints";
import { apiRoute, readJson } from "@/lib/api/respond";
import { getEndpoint, patchEndpoint } from "@/lib/endpoints/operations";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddressFrom } from "@/lib/net/client-address";

export const dynamic = "force-dynamic";

const notFound = () => new AppError("not_found:endpoint", { message: "That endpoint does not exist or was deleted." });

/** GET /api/v1/endpoints/{id}: one endpoint of the key's organization, with its health. */
export const GET = apiRoute<{ id: string }>(async ({ caller, params }) => {
  const endpoint = endpointIdSchema.safeParse(params.id).success ? await getEndpoint({ orgId: caller.orgId, id: params.id }) : undefined;
  if (!endpoint) throw notFound();
  return NextResponse.json(toEndpointResource(endpoint));
});

/** PATCH /api/v1/endpoints/{id}: sets the endpoint's Alert emails and ordered delivery (fields left out stay). */
export const PATCH = apiRoute<{ id: string }>(async ({ request, caller, params }) => {
  // Another organization's id answers 404 like an unknown one, whatever the body says.
  if (!endpointIdSchema.safeParse(params.id).success || !(await getEndpoint({ orgId: caller.orgId, id: params.id }))) throw notFound();
  const body = await readJson(request, updateEndpointRequestSchema);
  const address = clientAddressFrom(request.headers, env.trustedProxyHops);
  const endpoint = await patchEndpoint(
    { id: params.id, alertEmails: body.alertEmails, ordered: body.ordered },
    { orgId: caller.orgId, plan: caller.plan, actor: { type: "api_key", id: caller.keyId }, ip: address === "unknown" ? null : address },
  );
  return NextResponse.json(toEndpointResource(endpoint));
});
