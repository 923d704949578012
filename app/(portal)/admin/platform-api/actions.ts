"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import { createPlatformKey, revokePlatformKey } from "@/lib/platform/keys";
import { createPlatformKeySchema, platformKeyRefSchema } from "./schemas";

const create = createAction(createPlatformKeySchema, createPlatformKey);
const revoke = createAction(platformKeyRefSchema, revokePlatformKey);

/** Admin: a new platform key (platform admins only; everyone else gets not-found). Its value is in this answer only. */
export async function createPlatformKeyAction(input: unknown): Promise<ActionResult<{ id: string; key: string; prefix: string }>> {
  const result = await create(input);
  if (result.ok) revalidatePath("/admin/platform-api");
  return result;
}

/** Admin: revokes a platform key; its next request gets 401. */
export async function revokePlatformKeyAction(input: unknown): Promise<ActionResult<{ id: string }>> {
  const result = await revoke(input);
  if (result.ok) revalidatePath("/admin/platform-api");
  return result;
}
