CREATE TABLE "portal_links" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"email" text,
	"role" "role" DEFAULT 'member' NOT NULL,
	"return_url" text,
	"embedded" boolean DEFAULT false NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"session_id" text
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "portal_organization_id" text;--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD COLUMN "portal_link_id" text;--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD COLUMN "portal_role" "role";--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD COLUMN "portal_return_url" text;--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD COLUMN "portal_embedded" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_links" ADD CONSTRAINT "portal_links_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "portal_links_token_hash_key" ON "portal_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "portal_links_organization_idx" ON "portal_links" USING btree ("organization_id","created_at");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_portal_organization_id_organizations_id_fk" FOREIGN KEY ("portal_organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_portal_organization_key" ON "users" USING btree ("portal_organization_id") WHERE "users"."portal_organization_id" is not null;