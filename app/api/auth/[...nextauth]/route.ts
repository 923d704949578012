import { handlers } from "@/lib/auth";
import { withBodyLimit } from "@/lib/read-body";

/** Auth.js's form posts (sign-out, provider sign-in, CSRF) are a few hundred bytes. */
const MAX_AUTH_BODY_BYTES = 64 * 1024;

export const GET = handlers.GET;
export const POST = withBodyLimit(handlers.POST, MAX_AUTH_BODY_BYTES);
