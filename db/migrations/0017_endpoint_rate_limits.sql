CREATE TABLE "endpoint_throttles" (
	"endpoint_id" text PRIMARY KEY NOT NULL,
	"next_send_at" timestamp with time zone DEFAULT now() NOT NULL,
	"adaptive_rate" real,
	"adaptive_since" timestamp with time zone,
	"throttled_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "rate_limit_per_second" integer;--> statement-breakpoint
ALTER TABLE "endpoint_throttles" ADD CONSTRAINT "endpoint_throttles_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_rate_limit_range" CHECK ("webhook_endpoints"."rate_limit_per_second" between 1 and 1000);