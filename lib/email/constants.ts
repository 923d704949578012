/** The embedded engine's workflow name, and the Inngest function's id. */
export const SEND_EMAIL_WORKFLOW = "send-email";
/** Attempts per send (the first and 5 retries): with the default 30 s base, retries after ~30 s, 2, 8, 32 and 128 min. */
export const EMAIL_MAX_ATTEMPTS = 6;
/** The longest wait between two attempts. */
export const EMAIL_MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;
/** Runs of the embedded engine share this concurrency key, so a burst of emails never opens more SMTP connections than the per-key limit. */
export const EMAIL_CONCURRENCY_KEY = "email";
/** Stored SMTP errors are cut to this length. */
export const EMAIL_ERROR_MAX = 500;
