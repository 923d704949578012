CREATE TYPE "public"."plan_source" AS ENUM('stripe', 'manual');--> statement-breakpoint
CREATE TYPE "public"."stripe_event_outcome" AS ENUM('processed', 'ignored', 'stale', 'unmatched', 'invalid', 'failed');--> statement-breakpoint
CREATE TYPE "public"."subscription_status" AS ENUM('active', 'trialing', 'past_due', 'canceled', 'unpaid');--> statement-breakpoint
CREATE TABLE "organization_billing" (
	"organization_id" text PRIMARY KEY NOT NULL,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"stripe_price_id" text,
	"status" "subscription_status",
	"current_period_end" timestamp with time zone,
	"payment_failed" boolean DEFAULT false NOT NULL,
	"plan_source" "plan_source",
	"plan_set_by" text,
	"plan_set_at" timestamp with time zone,
	"subscription_event_at" timestamp with time zone,
	"invoice_event_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "paused_deliveries" (
	"delivery_id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"attempt_number" integer NOT NULL,
	"chain_index" integer NOT NULL,
	"paused_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"stripe_created_at" timestamp with time zone NOT NULL,
	"livemode" boolean DEFAULT false NOT NULL,
	"organization_id" text,
	"outcome" "stripe_event_outcome" NOT NULL,
	"detail" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organization_billing" ADD CONSTRAINT "organization_billing_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paused_deliveries" ADD CONSTRAINT "paused_deliveries_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paused_deliveries" ADD CONSTRAINT "paused_deliveries_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paused_deliveries" ADD CONSTRAINT "paused_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD CONSTRAINT "stripe_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "organization_billing_customer_key" ON "organization_billing" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE INDEX "organization_billing_subscription_idx" ON "organization_billing" USING btree ("stripe_subscription_id");--> statement-breakpoint
CREATE INDEX "paused_deliveries_org_idx" ON "paused_deliveries" USING btree ("organization_id","paused_at");--> statement-breakpoint
CREATE INDEX "stripe_events_received_idx" ON "stripe_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "stripe_events_org_idx" ON "stripe_events" USING btree ("organization_id","received_at");