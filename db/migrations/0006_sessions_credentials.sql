CREATE TYPE "public"."verification_session_status" AS ENUM('PENDING', 'COMPLETED', 'PARTIAL_COMPLETE', 'ERROR', 'CANCELLED', 'TERMINATED');--> statement-breakpoint
CREATE TYPE "public"."bulk_issuance_status" AS ENUM('pending', 'running', 'completed');--> statement-breakpoint
CREATE TYPE "public"."credential_status" AS ENUM('issued', 'claimed', 'revoked', 'expired', 'superseded');--> statement-breakpoint
CREATE TABLE "verification_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"platform" text NOT NULL,
	"reference_id" text,
	"metadata" jsonb,
	"status" "verification_session_status" DEFAULT 'PENDING' NOT NULL,
	"account" jsonb,
	"attestation_sha256" text,
	"completed_at" timestamp with time zone,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bulk_issuances" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"badge_id" text NOT NULL,
	"expiration_date" timestamp with time zone,
	"recipients" jsonb NOT NULL,
	"status" "bulk_issuance_status" DEFAULT 'pending' NOT NULL,
	"issued_count" integer DEFAULT 0 NOT NULL,
	"failed_count" integer DEFAULT 0 NOT NULL,
	"failures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"id" text PRIMARY KEY NOT NULL,
	"uuid" uuid DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"badge_id" text NOT NULL,
	"recipient_email" text NOT NULL,
	"recipient_name" text,
	"status" "credential_status" DEFAULT 'issued' NOT NULL,
	"issuance_date" timestamp with time zone NOT NULL,
	"expiration_date" timestamp with time zone,
	"claimed_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revocation_reason" text,
	"expired_at" timestamp with time zone,
	"renewed_from_id" text,
	"renewed_by_id" text,
	"bulk_issuance_id" text,
	"bulk_index" integer,
	"metadata" jsonb,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_outbox" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "verification_sessions" ADD CONSTRAINT "verification_sessions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_issuances" ADD CONSTRAINT "bulk_issuances_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_outbox" ADD CONSTRAINT "event_outbox_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "verification_sessions_org_created_idx" ON "verification_sessions" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "verification_sessions_org_idempotency_key" ON "verification_sessions" USING btree ("organization_id","idempotency_key") WHERE "verification_sessions"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "bulk_issuances_org_created_idx" ON "bulk_issuances" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "bulk_issuances_org_idempotency_key" ON "bulk_issuances" USING btree ("organization_id","idempotency_key") WHERE "bulk_issuances"."idempotency_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_uuid_key" ON "credentials" USING btree ("uuid");--> statement-breakpoint
CREATE INDEX "credentials_org_created_idx" ON "credentials" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_org_idempotency_key" ON "credentials" USING btree ("organization_id","idempotency_key") WHERE "credentials"."idempotency_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_bulk_position_key" ON "credentials" USING btree ("bulk_issuance_id","bulk_index") WHERE "credentials"."bulk_issuance_id" is not null;--> statement-breakpoint
CREATE INDEX "credentials_due_expiry_idx" ON "credentials" USING btree ("expiration_date") WHERE "credentials"."expired_at" is null and "credentials"."expiration_date" is not null and "credentials"."status" in ('issued', 'claimed');--> statement-breakpoint
CREATE INDEX "event_outbox_created_idx" ON "event_outbox" USING btree ("created_at");