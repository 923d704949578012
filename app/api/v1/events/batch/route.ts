import { NextResponse } from "next/server";
import { apiRoute, readJson, zodIssues } from "@/lib/api/respond";
import { MAX_BATCH_BODY_BYTES, publishEventBatchSchema, publishEventSchema } from "@/lib/api/schemas";
import { publishEvent } from "@/lib/delivery/publish";
import { isAppError } from "@/lib/errors";
import { logger } from "@/lib/logger";

export const dynamic = "force-dynamic";

type ItemResult = {
  index: number;
  status: number;
  id?: string;
  error?: { code: string; message: string; issues?: { path: string; message: string }[] };
};

/**
 * POST /api/v1/events/batch: up to 500 events in one request, each with its own idempotency key and its own result
 * (202, 200 for a key seen before, or a 4xx with the reason), in the request's order. The events are published
 * concurrently, so publishEvent's batcher stores them in a few statements; a refused event never refuses the others.
 * The request counts once against the key's rate limit.
 */
export const POST = apiRoute(async ({ request, caller }) => {
  const body = await readJson(request, publishEventBatchSchema, MAX_BATCH_BODY_BYTES);
  const keys = new Map<string, number>();
  const results = await Promise.all(
    body.events.map(async (raw, index): Promise<ItemResult> => {
      const parsed = publishEventSchema.safeParse(raw);
      if (!parsed.success) {
        return { index, status: 400, error: { code: "invalid_request", message: "The event does not match the schema.", issues: zodIssues(parsed.error, ["events", String(index)]) } };
      }
      const { type, data, idempotencyKey } = parsed.data;
      // Two events of one request with one key: the second is refused rather than racing the first.
      if (idempotencyKey !== undefined) {
        const first = keys.get(idempotencyKey);
        if (first !== undefined) {
          return { index, status: 409, error: { code: "conflict:idempotency_key", message: `Event ${first} of this batch has the same idempotency key.` } };
        }
        keys.set(idempotencyKey, index);
      }
      try {
        const event = await publishEvent(caller.orgId, type, data, { idempotencyKey });
        return { index, status: event.duplicate ? 200 : 202, id: event.id };
      } catch (e) {
        if (isAppError(e) && e.kind !== "internal") return { index, status: e.status, error: { code: e.code, message: e.message } };
        logger.error("a batch publish item failed", { index, error: e });
        return { index, status: 500, error: { code: "internal", message: "Something went wrong on our side. Please try again." } };
      }
    }),
  );
  return NextResponse.json({ results });
});
