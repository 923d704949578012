"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import {
  createEndpoint,
  deleteEndpoint,
  endSecretOverlap,
  revealSecret,
  rotateSecret,
  setEndpointActive,
  setSignatureScheme,
  switchOnAndRedeliver,
  updateEndpoint,
  type RevealedSecret,
} from "@/lib/endpoints/operations";
import type { SignatureScheme } from "@/lib/endpoints/secret";
import { deliveryProgress, redeliverFailedSince } from "@/lib/delivery/recover";
import { sendTestEvent, type TestEventResult } from "@/lib/delivery/test-event";
import { checkSignatureVerification, type VerificationRun } from "@/lib/delivery/verification-check";
import type { DeliveryStatus } from "@/db/schema";
import {
  createEndpointActionSchema,
  deliveryProgressSchema,
  endpointRefSchema,
  redeliverFailedSchema,
  rotateSecretSchema,
  sendTestEventSchema,
  setEndpointActiveSchema,
  setSignatureSchemeSchema,
  switchOnAndRedeliverSchema,
  updateEndpointActionSchema,
} from "./schemas";
import { refuseUnconfirmedDuplicateUrl } from "@/lib/endpoints/duplicate-url";

// A URL another endpoint already uses is saved only once the person confirmed it (the form asks).
const create = createAction(createEndpointActionSchema, async ({ confirmDuplicateUrl, ...fields }, ctx) => {
  await refuseUnconfirmedDuplicateUrl({ orgId: ctx.org.id, url: fields.url, confirmed: confirmDuplicateUrl });
  return createEndpoint(fields, ctx);
});
const update = createAction(updateEndpointActionSchema, async ({ confirmDuplicateUrl, ...fields }, ctx) => {
  await refuseUnconfirmedDuplicateUrl({ orgId: ctx.org.id, url: fields.url, exceptId: fields.id, confirmed: confirmDuplicateUrl });
  return updateEndpoint(fields, ctx);
});
const setActive = createAction(setEndpointActiveSchema, setEndpointActive);
const remove = createAction(endpointRefSchema, deleteEndpoint);
const reveal = createAction(endpointRefSchema, revealSecret);
const rotate = createAction(rotateSecretSchema, rotateSecret);
const endOverlap = createAction(endpointRefSchema, endSecretOverlap);
const switchScheme = createAction(setSignatureSchemeSchema, setSignatureScheme);
const sendTest = createAction(sendTestEventSchema, sendTestEvent);
const checkVerification = createAction(endpointRefSchema, checkSignatureVerification);
const recover = createAction(redeliverFailedSchema, redeliverFailedSince);
const progress = createAction(deliveryProgressSchema, deliveryProgress);
const switchOnRecover = createAction(switchOnAndRedeliverSchema, switchOnAndRedeliver);

/** Refreshes the list and, when given, the endpoint's page after a successful change. */
function revalidated<T>(result: ActionResult<T>, id?: string): ActionResult<T> {
  if (result.ok) {
    revalidatePath("/webhooks");
    if (id) revalidatePath(`/webhooks/${id}`);
  }
  return result;
}

export async function createEndpointAction(input: unknown): Promise<ActionResult<{ id: string }>> {
  return revalidated(await create(input));
}

export async function updateEndpointAction(input: unknown): Promise<ActionResult<{ id: string }>> {
  const result = await update(input);
  return revalidated(result, result.ok ? result.data.id : undefined);
}

export async function setEndpointActiveAction(input: unknown): Promise<ActionResult<{ id: string; active: boolean }>> {
  const result = await setActive(input);
  return revalidated(result, result.ok ? result.data.id : undefined);
}

export async function deleteEndpointAction(input: unknown): Promise<ActionResult<{ id: string }>> {
  const result = await remove(input);
  return revalidated(result, result.ok ? result.data.id : undefined);
}

export async function revealSecretAction(input: unknown): Promise<ActionResult<RevealedSecret>> {
  return reveal(input);
}

/** A new signing secret (or key); the old one keeps signing for the overlap the owner chose (now, 1 h, 24 h, 7 days). */
export async function rotateSecretAction(input: unknown): Promise<ActionResult<{ previousSecretExpiresAt: string | null }>> {
  const result = await rotate(input);
  return revalidated(result, result.ok ? (input as { id: string }).id : undefined);
}

/** Ends a rotation's overlap early: the previous secret stops signing now (audited). */
export async function endSecretOverlapAction(input: unknown): Promise<ActionResult<{ id: string }>> {
  const result = await endOverlap(input);
  return revalidated(result, result.ok ? result.data.id : undefined);
}

/** The endpoint page after an action that changed its deliveries (status, Health, Recent deliveries). */
function revalidatedDeliveries<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) {
    revalidatePath("/webhooks");
    revalidatePath("/webhooks/[id]", "page");
    revalidatePath("/webhooks/logs");
  }
  return result;
}

/** Switches between HMAC (v1) and ed25519 (v1a) signing, with the chosen overlap (24 hours by default) in which both sign. */
export async function setSignatureSchemeAction(
  input: unknown,
): Promise<ActionResult<{ id: string; signatureScheme: SignatureScheme; previousSecretExpiresAt: string | null }>> {
  const result = await switchScheme(input);
  return revalidated(result, result.ok ? result.data.id : undefined);
}

/** Check signature verification: six requests to the endpoint, a stored report (the list's badge follows the latest). */
export async function runVerificationCheckAction(input: unknown): Promise<ActionResult<VerificationRun>> {
  const result = await checkVerification(input);
  return revalidated(result, result.ok ? result.data.endpointId : undefined);
}

export async function sendTestEventAction(input: unknown): Promise<ActionResult<TestEventResult>> {
  return revalidatedDeliveries(await sendTest(input));
}

export async function redeliverFailedAction(input: unknown): Promise<ActionResult<{ ids: string[]; capped: boolean }>> {
  return revalidatedDeliveries(await recover(input));
}

export async function deliveryProgressAction(input: unknown): Promise<ActionResult<Record<DeliveryStatus, number>>> {
  return progress(input);
}

/** The "disabled" alert's link: switch the endpoint on and redeliver what failed since the time it names. */
export async function switchOnAndRedeliverAction(input: unknown): Promise<ActionResult<{ ids: string[]; capped: boolean }>> {
  const result = await switchOnRecover(input);
  if (result.ok) {
    revalidatePath("/webhooks");
    const id = (input as { id?: unknown } | null)?.id;
    if (typeof id === "string") revalidatePath(`/webhooks/${id}`);
  }
  return result;
}
