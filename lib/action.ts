import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import type { SessionContext } from "@/db/queries/users";
import { AppError, isAppError, type ErrorCode } from "@/lib/errors";
import { logger } from "@/lib/logger";

export interface ActionError {
  code: ErrorCode;
  message: string;
  fieldErrors?: Record<string, string[]>;
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

/** What a feature writes: the input schema and the body, which receives parsed input and the caller's context. */
export type ActionHandler<S extends z.ZodType, T> = (input: z.output<S>, ctx: SessionContext) => Promise<T>;

/** Turns zod issues into messages keyed by the field's dotted path (`headers.0.name`; "" for the whole form). */
export function toFieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".");
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** Maps anything thrown to a result a person can act on; unexpected errors are logged and never shown. */
export function toActionError(error: unknown): ActionError {
  if (isAppError(error)) return { code: error.code, message: error.message, fieldErrors: error.fieldErrors };
  logger.error("action failed", { error });
  const internal = new AppError("internal");
  return { code: internal.code, message: internal.message };
}

/**
 * Runs an action body for a known caller: zod parse -> handler -> typed result. The session step lives in
 * lib/auth/action.ts (`createAction`); keeping it out of here lets integration tests run real actions for a given
 * organization against a real database.
 */
export async function runAction<S extends z.ZodType, T>(
  ctx: SessionContext,
  schema: S,
  handler: ActionHandler<S, T>,
  input: unknown,
): Promise<ActionResult<T>> {
  try {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: "bad_request:validation", message: "Please correct the highlighted fields.", fieldErrors: toFieldErrors(parsed.error) },
      };
    }
    return { ok: true, data: await handler(parsed.data, ctx) };
  } catch (error) {
    // Next's own control flow (redirect, notFound) must travel on, not become an error result.
    unstable_rethrow(error);
    return { ok: false, error: toActionError(error) };
  }
}
