DROP INDEX "workflow_runs_due_idx";--> statement-breakpoint
DROP INDEX "workflow_runs_concurrency_idx";--> statement-breakpoint
CREATE INDEX "workflow_runs_due_idx" ON "workflow_runs" USING btree ("wake_at") WHERE "workflow_runs"."status" in ('queued', 'sleeping');--> statement-breakpoint
CREATE INDEX "workflow_runs_concurrency_idx" ON "workflow_runs" USING btree ("concurrency_key","status");