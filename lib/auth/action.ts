import type { z } from "zod";
import { runAction, toActionError, type ActionHandler, type ActionResult } from "@/lib/action";
import { requireActionSession } from "./session";

/**
 * Wraps a server action body in the project's order: session -> tenant from the session (never from the client)
 * -> zod parse -> handler (query, revalidate) -> typed result. Every action is a public endpoint: `input` is
 * whatever a client chose to send.
 */
export function createAction<S extends z.ZodType, T>(schema: S, handler: ActionHandler<S, T>): (input: unknown) => Promise<ActionResult<T>> {
  return async (input: unknown) => {
    let ctx;
    try {
      ctx = await requireActionSession();
    } catch (error) {
      return { ok: false, error: toActionError(error) };
    }
    return runAction(ctx, schema, handler, input);
  };
}
