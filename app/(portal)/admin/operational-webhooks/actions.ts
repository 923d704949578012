"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import {
  createOperationalEndpointAsAdmin,
  deleteOperationalEndpointAsAdmin,
  revealOperationalSecretAsAdmin,
  rotateOperationalSecretAsAdmin,
  updateOperationalEndpointAsAdmin,
} from "@/lib/operational/admin";
import { createOperationalEndpointSchema, operationalEndpointRefSchema, updateOperationalEndpointSchema } from "./schemas";

const create = createAction(createOperationalEndpointSchema, createOperationalEndpointAsAdmin);
const update = createAction(updateOperationalEndpointSchema, updateOperationalEndpointAsAdmin);
const remove = createAction(operationalEndpointRefSchema, deleteOperationalEndpointAsAdmin);
const reveal = createAction(operationalEndpointRefSchema, revealOperationalSecretAsAdmin);
const rotate = createAction(operationalEndpointRefSchema, rotateOperationalSecretAsAdmin);

function revalidated<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath("/admin/operational-webhooks");
  return result;
}

/** Admin: register an operational webhook (platform admins only). Its secret comes back once. */
export async function createOperationalWebhookAction(input: unknown): Promise<ActionResult<{ id: string; secret: string }>> {
  return revalidated(await create(input));
}

export async function updateOperationalWebhookAction(input: unknown): Promise<ActionResult<{ id: string }>> {
  return revalidated(await update(input));
}

export async function deleteOperationalWebhookAction(input: unknown): Promise<ActionResult<{ id: string }>> {
  return revalidated(await remove(input));
}

export async function revealOperationalSecretAction(
  input: unknown,
): Promise<ActionResult<{ secret: string; previousSecret: string | null; previousSecretExpiresAt: string | null }>> {
  return reveal(input);
}

export async function rotateOperationalSecretAction(input: unknown): Promise<ActionResult<{ secret: string; previousSecretExpiresAt: string }>> {
  return revalidated(await rotate(input));
}
