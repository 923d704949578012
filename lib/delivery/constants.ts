import pkg from "@/package.json";

export const USER_AGENT = `Herald-Webhooks/${pkg.version}`;
/** Failed deliveries in a row that disable an endpoint. */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = 50;
/** How long an endpoint may fail without a single success before it is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 60 * 60 * 1000;
