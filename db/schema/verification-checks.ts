import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { webhookEndpoints } from "./webhooks";

export const VERIFICATION_OUTCOMES = ["passed", "failed", "inconclusive"] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

export const VERIFICATION_VERDICTS = ["pass", "fail", "inconclusive", "not_sent"] as const;
export type VerificationVerdict = (typeof VERIFICATION_VERDICTS)[number];

/** One case of a run as stored (lib/delivery/verification-check.ts defines the six cases). */
export interface VerificationCaseResult {
  /** 1 to 6, in the order they were sent. */
  number: number;
  key: string;
  title: string;
  /** What a verifying receiver answers: 2xx (accept) or anything else (reject). */
  expected: "accept" | "reject";
  /** What was sent, for the report: a sentence and the signature headers (custom header values never). */
  sent: { description: string; headers: Record<string, string>; customHeaders: string[] };
  status: number | null;
  durationMs: number | null;
  /** The first few hundred characters of the answer's body. */
  responseExcerpt: string | null;
  errorClass: string | null;
  errorMessage: string | null;
  verdict: VerificationVerdict;
  /** Why the verdict, in a sentence. */
  explanation: string;
}

/**
 * Signature verification checks ("Check signature verification"): each row is one run of the six requests against
 * an endpoint, with its cases. Herald keeps the last 10 per endpoint. Never deliveries: they count for no retries,
 * failure counters or alerts.
 */
export const endpointVerificationChecks = pgTable(
  "endpoint_verification_checks",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The URL and signing scheme the run checked: a later change of either makes the result stale. */
    url: text("url").notNull(),
    signatureScheme: text("signature_scheme").notNull(),
    outcome: text("outcome").$type<VerificationOutcome>().notNull(),
    summary: text("summary").notNull(),
    /** The case behind the summary (the worst finding); null when every case passed. */
    worstCase: integer("worst_case"),
    cases: jsonb("cases").$type<VerificationCaseResult[]>().notNull(),
    /** Who ran it: `user` (the portal) or `api_key`, and their id. */
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("endpoint_verification_checks_endpoint_idx").on(t.endpointId, t.createdAt.desc()),
    index("endpoint_verification_checks_org_idx").on(t.organizationId, t.createdAt.desc()),
    check("endpoint_verification_checks_outcome", sql`${t.outcome} in ('passed', 'failed', 'inconclusive')`),
  ],
);

export type EndpointVerificationCheckRow = typeof endpointVerificationChecks.$inferSelect;
