import { hasPgCode } from "@/db/pg-errors";

/** PostgreSQL's unique violation (23505), on the error itself or on the one a driver wrapped. */
export function isUniqueViolation(error: unknown): boolean {
  return hasPgCode(error, "23505");
}
