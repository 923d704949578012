import { sql } from "drizzle-orm";
import { boolean, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const PLANS = ["free", "pro", "enterprise"] as const;
export type Plan = (typeof PLANS)[number];
export const planEnum = pgEnum("plan", PLANS);

/** A partner: the tenant every row of partner data belongs to. */
export const organizations = pgTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    plan: planEnum("plan").notNull().default("free"),
    /** The platform's own id for this customer (its CRM or billing id), unique when set. */
    externalId: text("external_id"),
    /**
     * Set by a platform admin: nobody signs in to the organization and its deliveries are held (nothing is deleted);
     * clearing it lets both resume.
     */
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
    /**
     * The one organization Herald keeps for itself: its endpoints are the platform's operational webhooks (Admin ->
     * Operational webhooks), delivered by the same engine. Nobody signs in to it and partner lists leave it out.
     */
    isPlatform: boolean("is_platform").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("organizations_slug_key").on(t.slug),
    uniqueIndex("organizations_external_id_key").on(t.externalId).where(sql`${t.externalId} is not null`),
    uniqueIndex("organizations_platform_key").on(t.isPlatform).where(sql`${t.isPlatform}`),
  ],
);

export type Organization = typeof organizations.$inferSelect;
