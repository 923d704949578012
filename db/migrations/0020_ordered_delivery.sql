ALTER TABLE "webhook_endpoints" ADD COLUMN "ordered" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "ordered" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
CREATE INDEX "workflow_runs_leased_idx" ON "workflow_runs" USING btree ("concurrency_key") WHERE "workflow_runs"."lease_owner" is not null and "workflow_runs"."status" in ('queued', 'sleeping');--> statement-breakpoint
CREATE INDEX "workflow_runs_ordered_idx" ON "workflow_runs" USING btree ("concurrency_key","seq") WHERE "workflow_runs"."ordered" and "workflow_runs"."status" in ('queued', 'sleeping');