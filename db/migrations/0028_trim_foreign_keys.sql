-- Two foreign keys that every delivery paid for and nothing needed:
-- * deliveries -> organizations: a delivery's organization is its event's, and events -> organizations (on delete
--   cascade) then events -> deliveries (on delete cascade) already ties and removes it. The key was checked, and the
--   organization's row share-locked, once for each delivery a publish stored.
-- * workflow_steps -> workflow_runs: the embedded engine deletes a run when it completes, and the cascade fired one
--   planned DELETE on workflow_steps per run. The settle that deletes runs, and the retention purge, now delete their
--   steps in the same statement (and the purge removes any step whose run is gone).
ALTER TABLE "deliveries" DROP CONSTRAINT IF EXISTS "deliveries_organization_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "workflow_steps" DROP CONSTRAINT IF EXISTS "workflow_steps_run_id_workflow_runs_id_fk";
