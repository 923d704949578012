CREATE TYPE "public"."endpoint_disabled_cause" AS ENUM('gone', 'consecutive_failures', 'failing_too_long', 'person');--> statement-breakpoint
CREATE TYPE "public"."endpoint_health" AS ENUM('healthy', 'failing', 'disabled');--> statement-breakpoint
CREATE TABLE "endpoint_notices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"alert" text,
	"event_type" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"claim_token" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "notification_opt_outs" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text,
	"organization_id" text,
	"email" text,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "is_platform" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "health" "endpoint_health" DEFAULT 'healthy' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "health_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "disabled_cause" "endpoint_disabled_cause";--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "failed_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "last_failure" jsonb;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "failing_alerted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "disable_warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "alert_emails" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "endpoint_notices" ADD CONSTRAINT "endpoint_notices_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_notices" ADD CONSTRAINT "endpoint_notices_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_opt_outs" ADD CONSTRAINT "notification_opt_outs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_opt_outs" ADD CONSTRAINT "notification_opt_outs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "endpoint_notices_claim_idx" ON "endpoint_notices" USING btree ("claimed_until","id");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_opt_outs_user_key" ON "notification_opt_outs" USING btree ("user_id","kind") WHERE "notification_opt_outs"."user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_opt_outs_email_key" ON "notification_opt_outs" USING btree ("organization_id","email","kind") WHERE "notification_opt_outs"."user_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_platform_key" ON "organizations" USING btree ("is_platform") WHERE "organizations"."is_platform";--> statement-breakpoint
CREATE INDEX "webhook_endpoints_failing_idx" ON "webhook_endpoints" USING btree ("failing_since") WHERE "webhook_endpoints"."health" = 'failing';--> statement-breakpoint
-- Existing endpoints get the state their columns already describe; a disabled one's cause is read from its reason.
UPDATE "webhook_endpoints" SET
	"health" = (CASE WHEN NOT "active" THEN 'disabled' WHEN "failing_since" IS NOT NULL THEN 'failing' ELSE 'healthy' END)::"endpoint_health",
	"health_changed_at" = COALESCE("disabled_at", "failing_since"),
	"disabled_cause" = (CASE WHEN "active" THEN NULL
		WHEN "disabled_reason" LIKE '%410%' THEN 'gone'
		WHEN "disabled_reason" LIKE '%in a row%' THEN 'consecutive_failures'
		WHEN "disabled_reason" LIKE '%3 days%' THEN 'failing_too_long'
		ELSE 'person' END)::"endpoint_disabled_cause";
