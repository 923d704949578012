import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { requireActionSession, type SessionContext } from "@/lib/auth/session";
import { AppError, isAppError, type ErrorCode } from "@/lib/errors";
import { logger } from "@/lib/logger";

export interface ActionError {
  code: ErrorCode;
  message: string;
  fieldErrors?: Record<string, string[]>;
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

/** Turns zod issues into one message per field, keyed by the field's dotted path ("" for the form as a whole). */
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
 * Wraps a server action body in the project's order: session -> tenant from the session (never from the client)
 * -> zod parse -> handler -> typed result. The handler revalidates what it changed. Every action is a public
 * endpoint: `input` is whatever a client chose to send.
 */
export function createAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.infer<S>, ctx: SessionContext) => Promise<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  return async (input: unknown) => {
    try {
      const ctx = await requireActionSession();
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        const fieldErrors = toFieldErrors(parsed.error);
        return {
          ok: false,
          error: { code: "bad_request:validation", message: "Please correct the highlighted fields.", fieldErrors },
        };
      }
      return { ok: true, data: await handler(parsed.data, ctx) };
    } catch (error) {
      // Next's own control flow (redirect, notFound) must travel on, not become an error result.
      unstable_rethrow(error);
      return { ok: false, error: toActionError(error) };
    }
  };
}
