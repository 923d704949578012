"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { createApiKey, revokeApiKey } from "@/lib/api-keys";
import { createAction } from "@/lib/auth/action";
import { apiKeyRefSchema, createApiKeySchema } from "./schemas";

const create = createAction(createApiKeySchema, createApiKey);
const revoke = createAction(apiKeyRefSchema, revokeApiKey);

export async function createApiKeyAction(input: unknown): Promise<ActionResult<{ id: string; key: string }>> {
  const result = await create(input);
  if (result.ok) revalidatePath("/api-keys");
  return result;
}

export async function revokeApiKeyAction(input: unknown): Promise<ActionResult<{ id: string }>> {
  const result = await revoke(input);
  if (result.ok) revalidatePath("/api-keys");
  return result;
}
