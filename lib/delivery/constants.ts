import pkg from "@/package.json";

export const USER_AGENT = `Herald-Webhooks/${pkg.version}`;
/** Failed deliveries in a row that disable an endpoint. */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = 50;
/** How long an endpoint may fail without a single success before it is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 60 * 60 * 1000;
/**
 * An attempt still in flight after this long marks its delivery `delivering` (Logs shows it under way). A quicker
 * attempt, the common case, goes from `pending` to its result in the one statement that records it: marking every
 * attempt up front cost a second update of the delivery row (and of each of its six indexes) per attempt.
 */
export const DELIVERING_AFTER_MS = 1000;
