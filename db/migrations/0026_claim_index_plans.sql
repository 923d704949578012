-- The claim reads a handful of rows of a table that grows and shrinks fast (runs are added and finished by the
-- thousand), so its statistics are often stale: the planner then took a bitmap scan of every due run plus a sort
-- instead of walking workflow_runs_due_idx in wake-up order up to the limit, and a sequential scan of the whole table
-- to update the few rows it claimed. Measured under the delivery benchmark: 4.1 ms and 3.0 ms per claim with those
-- plans against 1.0 ms and 0.8 ms with index scans, and a bitmap scan's cost grows with the backlog. Inside this
-- function only, index scans are the only choice the planner has.
ALTER FUNCTION herald_claim_runs(text, integer, integer, integer, integer, jsonb, jsonb, integer, integer)
  SET enable_seqscan = off;
--> statement-breakpoint
ALTER FUNCTION herald_claim_runs(text, integer, integer, integer, integer, jsonb, jsonb, integer, integer)
  SET enable_bitmapscan = off;
