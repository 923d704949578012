-- Identifiers compare bytewise. Every id column (named id or ending in _id, the columns that reference users such as
-- created_by, and the engine's concurrency and group keys, which hold endpoint and organization ids) takes
-- COLLATE "C": the delivery path compares ids in every index lookup and join, and under a database's linguistic
-- collation (en_US.UTF-8, or even C.UTF-8) each comparison went through the locale (strcoll on copied strings)
-- instead of memcmp. A C-ordered primary key also serves a LIKE prefix, so the two pattern indexes that served the
-- Logs id search are dropped (two index entries fewer per delivery). Columns compared with each other must share a
-- collation, or an index on one side cannot serve the comparison: db/collation.int.test.ts checks every id column
-- and foreign key. Existing indexes on these columns are rebuilt; no table is rewritten.
DROP INDEX "deliveries_id_pattern_idx";--> statement-breakpoint
DROP INDEX "events_id_pattern_idx";--> statement-breakpoint
ALTER TABLE "account_tokens" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "user_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "created_by" SET DATA TYPE text COLLATE "C", ALTER COLUMN "revoked_by" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "actor_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "target_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "auth_sessions" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "user_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "portal_link_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "bulk_issuances" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "badge_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "credentials" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "badge_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "renewed_from_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "renewed_by_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "bulk_issuance_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "event_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "endpoint_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "delivery_attempts" ALTER COLUMN "delivery_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "endpoint_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "emails" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "user_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "message_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "endpoint_notices" ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "endpoint_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "endpoint_throttles" ALTER COLUMN "endpoint_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "endpoint_verification_checks" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "endpoint_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "actor_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "event_outbox" ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "invitations" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "invited_by" SET DATA TYPE text COLLATE "C", ALTER COLUMN "accepted_by" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "memberships" ALTER COLUMN "user_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "notification_opt_outs" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "user_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "organization_billing" ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "stripe_customer_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "stripe_subscription_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "stripe_price_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "organizations" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "external_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "paused_deliveries" ALTER COLUMN "delivery_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "endpoint_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "platform_idempotency_keys" ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "platform_keys" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "created_by" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "portal_links" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "session_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "stripe_events" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "portal_organization_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "verification_sessions" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "reference_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "organization_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "workflow_runs" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "concurrency_key" SET DATA TYPE text COLLATE "C", ALTER COLUMN "group_key" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "workflow_steps" ALTER COLUMN "run_id" SET DATA TYPE text COLLATE "C", ALTER COLUMN "step_id" SET DATA TYPE text COLLATE "C";
