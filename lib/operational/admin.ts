import type { z } from "zod";
import type { SessionContext } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import {
  createOperationalEndpoint,
  deleteOperationalEndpoint,
  revealOperationalSecret,
  rotateOperationalSecret,
  updateOperationalEndpoint,
  type OperationalActor,
} from "./endpoints";
import type { createOperationalEndpointSchema, operationalEndpointRefSchema, updateOperationalEndpointSchema } from "./schemas";

/**
 * Admin -> Operational webhooks' action bodies: platform admins only. Anyone else gets the not-found an unknown id
 * gets, so the page's actions reveal nothing to a partner who calls them.
 */
function adminActor(ctx: SessionContext): OperationalActor {
  if (!ctx.user.isPlatformAdmin) throw new AppError("not_found:operational_webhook", { message: "That operational webhook does not exist or was deleted." });
  return { type: "user", id: ctx.user.id, email: ctx.user.email };
}

export const createOperationalEndpointAsAdmin = (input: z.output<typeof createOperationalEndpointSchema>, ctx: SessionContext) =>
  createOperationalEndpoint(input, adminActor(ctx));

export const updateOperationalEndpointAsAdmin = (input: z.output<typeof updateOperationalEndpointSchema>, ctx: SessionContext) =>
  updateOperationalEndpoint(input, adminActor(ctx));

export const deleteOperationalEndpointAsAdmin = (input: z.output<typeof operationalEndpointRefSchema>, ctx: SessionContext) =>
  deleteOperationalEndpoint(input, adminActor(ctx));

export const revealOperationalSecretAsAdmin = (input: z.output<typeof operationalEndpointRefSchema>, ctx: SessionContext) =>
  revealOperationalSecret(input, adminActor(ctx));

export const rotateOperationalSecretAsAdmin = (input: z.output<typeof operationalEndpointRefSchema>, ctx: SessionContext) =>
  rotateOperationalSecret(input, adminActor(ctx));
