/**
 * The one error type features throw. `code` is `<kind>:<subject>` (e.g. `not_found:endpoint`); `message` is meant
 * for the person using the portal or the API, so it never carries database or stack details.
 */
export type ErrorKind = "bad_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "rate_limited" | "internal";

const STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
};

const DEFAULT_MESSAGE: Record<ErrorKind, string> = {
  bad_request: "The request is not valid.",
  unauthorized: "You need to sign in first.",
  forbidden: "You do not have access to this.",
  not_found: "We could not find that.",
  conflict: "That conflicts with something that already exists.",
  rate_limited: "Too many requests. Please wait a moment and try again.",
  internal: "Something went wrong on our side. Please try again.",
};

export type ErrorCode = `${ErrorKind}:${string}` | ErrorKind;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly status: number;
  readonly fieldErrors?: Record<string, string[]>;

  constructor(code: ErrorCode, options: { message?: string; status?: number; fieldErrors?: Record<string, string[]>; cause?: unknown } = {}) {
    const kind = code.split(":")[0] as ErrorKind;
    super(options.message ?? DEFAULT_MESSAGE[kind], { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.kind = kind;
    this.status = options.status ?? STATUS[kind];
    this.fieldErrors = options.fieldErrors;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
