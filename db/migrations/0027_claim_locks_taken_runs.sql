-- The claim locked every candidate it scanned (FOR UPDATE SKIP LOCKED over up to four times the runs it wanted, so
-- that keys and groups at their limit could be passed over): up to 448 row locks for a claim of 112, each a write to
-- the run's row and to the WAL, about 37 us apiece, most of the claim's time under load. Now the scan reads its
-- candidates without locking them, and the second statement locks only the runs it takes, in the order it would
-- take them, skipping any another claim holds (FOR UPDATE SKIP LOCKED under the LIMIT): a run claimed meanwhile by
-- another process is re-read when locked and, leased now, left out. Skipping a run only ever takes fewer of a key or
-- a group, so the limits hold as before.
CREATE OR REPLACE FUNCTION herald_claim_runs(
  p_owner text, p_lease_ms integer, p_limit integer, p_per_key integer, p_per_group integer,
  p_full_groups jsonb, p_busy_groups jsonb, p_park_ms integer, p_lock_namespace integer
) RETURNS TABLE (id text, workflow text, input jsonb, executions integer, concurrency_key text, group_key text, ordered boolean, skipped integer)
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
DECLARE
  v_found jsonb;
  v_skipped integer;
BEGIN
  WITH full_keys AS (
    SELECT w.concurrency_key AS k FROM workflow_runs w
    WHERE w.lease_owner IS NOT NULL AND w.status IN ('queued', 'sleeping') AND w.lease_expires_at > now()
      AND w.concurrency_key IS NOT NULL
    GROUP BY w.concurrency_key HAVING count(*) >= p_per_key OR bool_or(w.ordered)
  ),
  candidates AS (
    SELECT w.id, w.concurrency_key, w.group_key, w.wake_at, w.ordered, w.seq, w.executions FROM workflow_runs w
    WHERE w.status IN ('queued', 'sleeping') AND w.wake_at <= now()
      AND (w.lease_expires_at IS NULL OR w.lease_expires_at < now())
      AND (w.concurrency_key IS NULL OR w.concurrency_key NOT IN (SELECT k FROM full_keys))
      AND (w.group_key IS NULL OR w.group_key NOT IN (SELECT jsonb_array_elements_text(p_full_groups)))
    ORDER BY w.wake_at
    LIMIT p_limit * 4
  ),
  keys AS MATERIALIZED (
    SELECT s.k, pg_try_advisory_xact_lock(p_lock_namespace, hashtext(s.k)) AS locked
    FROM (SELECT DISTINCT c.concurrency_key AS k FROM candidates c WHERE c.concurrency_key IS NOT NULL) s
  ),
  scanned AS (
    SELECT c.*, (c.concurrency_key IS NULL OR coalesce(keys.locked, false)) AS claimable
    FROM candidates c LEFT JOIN keys ON keys.k = c.concurrency_key
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'concurrency_key', s.concurrency_key, 'group_key', s.group_key,
           'wake_at', s.wake_at, 'ordered', s.ordered, 'seq', s.seq, 'executions', s.executions)) FILTER (WHERE s.claimable), '[]'::jsonb),
         (count(*) FILTER (WHERE NOT s.claimable))::integer
  INTO v_found, v_skipped
  FROM scanned s;

  IF jsonb_array_length(v_found) = 0 THEN
    IF v_skipped > 0 THEN
      RETURN QUERY SELECT NULL::text, NULL::text, NULL::jsonb, NULL::integer, NULL::text, NULL::text, NULL::boolean, v_skipped;
    END IF;
    RETURN;
  END IF;

  RETURN QUERY
  WITH c AS (
    SELECT * FROM jsonb_to_recordset(v_found)
      AS c(id text, concurrency_key text, group_key text, wake_at timestamptz, ordered boolean, seq bigint, executions int)
  ),
  running AS (
    SELECT w.concurrency_key AS k, count(*)::int AS n FROM workflow_runs w
    WHERE w.lease_owner IS NOT NULL AND w.status IN ('queued', 'sleeping') AND w.lease_expires_at > now()
      AND w.concurrency_key IN (SELECT c.concurrency_key FROM c)
    GROUP BY w.concurrency_key
  ),
  -- An ordered key's runs go in (started first, then seq) order: a run that already started (retrying, or crashed)
  -- goes before any that has not, whatever its seq; otherwise the lowest seq goes.
  blocked AS (
    SELECT c.id FROM c WHERE c.ordered AND (
      EXISTS (
        SELECT 1 FROM workflow_runs p WHERE p.ordered AND p.executions > 0 AND p.status IN ('queued', 'sleeping')
          AND p.concurrency_key = c.concurrency_key AND p.id <> c.id AND (c.executions = 0 OR p.seq < c.seq))
      OR (c.executions = 0 AND EXISTS (
        SELECT 1 FROM workflow_runs p WHERE p.ordered AND p.status IN ('queued', 'sleeping')
          AND p.concurrency_key = c.concurrency_key AND p.seq < c.seq)))
  ),
  parked AS (
    UPDATE workflow_runs r SET status = 'queued', wake_at = now() + p_park_ms * interval '1 millisecond', updated_at = now()
    FROM blocked WHERE r.id = blocked.id
    RETURNING r.id
  ),
  by_key AS (
    SELECT c.id, c.wake_at, c.group_key, c.concurrency_key, c.ordered,
      row_number() OVER (PARTITION BY c.concurrency_key ORDER BY c.wake_at, c.seq) + coalesce(running.n, 0) AS key_slot
    FROM c LEFT JOIN running ON running.k = c.concurrency_key
    WHERE c.id NOT IN (SELECT b.id FROM blocked b)
  ),
  by_group AS (
    SELECT k.id, k.wake_at, k.group_key,
      row_number() OVER (PARTITION BY k.group_key ORDER BY k.wake_at) + coalesce((p_busy_groups ->> k.group_key)::int, 0) AS group_slot
    FROM by_key k
    WHERE k.concurrency_key IS NULL OR k.key_slot <= (CASE WHEN k.ordered THEN 1 ELSE p_per_key END)
  ),
  chosen AS (
    SELECT g.id, row_number() OVER (ORDER BY g.group_slot, g.wake_at) AS turn FROM by_group g
    WHERE g.group_key IS NULL OR g.group_slot <= p_per_group
  ),
  -- Locked here, in turn order, up to the limit: a run another claim holds is skipped, and one claimed and committed
  -- since this statement's snapshot is re-read under the lock and fails the lease test.
  locked AS (
    SELECT r.id FROM workflow_runs r JOIN chosen ON chosen.id = r.id
    WHERE r.status IN ('queued', 'sleeping') AND (r.lease_expires_at IS NULL OR r.lease_expires_at < now())
    ORDER BY chosen.turn
    LIMIT p_limit
    FOR UPDATE OF r SKIP LOCKED
  )
  UPDATE workflow_runs r
  SET lease_owner = p_owner, lease_expires_at = now() + (p_lease_ms * interval '1 millisecond'),
      executions = r.executions + 1, updated_at = now()
  FROM locked WHERE r.id = locked.id
  RETURNING r.id, r.workflow, r.input, r.executions, r.concurrency_key, r.group_key, r.ordered, v_skipped;
END
$fn$;
--> statement-breakpoint
-- CREATE OR REPLACE drops the settings migration 0026 gave the function: they are set again.
ALTER FUNCTION herald_claim_runs(text, integer, integer, integer, integer, jsonb, jsonb, integer, integer)
  SET enable_seqscan = off;
--> statement-breakpoint
ALTER FUNCTION herald_claim_runs(text, integer, integer, integer, integer, jsonb, jsonb, integer, integer)
  SET enable_bitmapscan = off;
