import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { toActionError, toFieldErrors, type ActionResult } from "@/lib/action";

/**
 * For the few actions people use before they have a session (accept an invitation with a new account, ask for a
 * password reset, set a new password): zod parse -> handler -> typed result, as createAction does, minus the
 * session. The token in the input is what authorizes them. Next's redirects (a sign-in that succeeded) travel on.
 */
export async function runPublicAction<S extends z.ZodType, T>(schema: S, handler: (input: z.output<S>) => Promise<T>, input: unknown): Promise<ActionResult<T>> {
  try {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: "bad_request:validation", message: "Please correct the highlighted fields.", fieldErrors: toFieldErrors(parsed.error) },
      };
    }
    return { ok: true, data: await handler(parsed.data) };
  } catch (error) {
    unstable_rethrow(error);
    return { ok: false, error: toActionError(error) };
  }
}
