CREATE TABLE "endpoint_verification_checks" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"url" text NOT NULL,
	"signature_scheme" text NOT NULL,
	"outcome" text NOT NULL,
	"summary" text NOT NULL,
	"worst_case" integer,
	"cases" jsonb NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "endpoint_verification_checks_outcome" CHECK ("endpoint_verification_checks"."outcome" in ('passed', 'failed', 'inconclusive'))
);
--> statement-breakpoint
ALTER TABLE "endpoint_verification_checks" ADD CONSTRAINT "endpoint_verification_checks_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_verification_checks" ADD CONSTRAINT "endpoint_verification_checks_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "endpoint_verification_checks_endpoint_idx" ON "endpoint_verification_checks" USING btree ("endpoint_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "endpoint_verification_checks_org_idx" ON "endpoint_verification_checks" USING btree ("organization_id","created_at" DESC NULLS LAST);