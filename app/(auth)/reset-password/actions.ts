"use server";

import { after } from "next/server";
import type { ActionResult } from "@/lib/action";
import { requestIp } from "@/lib/audit/request";
import { requestPasswordReset, resetPassword } from "@/lib/people/password-reset";
import { runPublicAction } from "@/lib/people/public-action";
import { requestResetSchema, resetPasswordSchema } from "./schemas";

/**
 * "Forgot password?": the same answer, in the same time, for every address (the work that depends on the address
 * runs after the answer is sent); throttled per email and per IP.
 */
export async function requestPasswordResetAction(input: unknown): Promise<ActionResult<{ message: string }>> {
  return runPublicAction(requestResetSchema, async ({ email }) => requestPasswordReset({ email, ip: (await requestIp()) ?? "unknown" }, after), input);
}

/** Sets a new password through a reset link; every session of the person ends. */
export async function resetPasswordAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  return runPublicAction(resetPasswordSchema, async ({ token, password }) => resetPassword({ token, password }, await requestIp()), input);
}
