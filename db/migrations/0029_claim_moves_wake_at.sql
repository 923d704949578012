-- A claimed run's wake_at moves to its lease's end (and a renewed lease moves it again; the engine sets it back to
-- now when it hands a run back unfinished). The claim walks workflow_runs_due_idx in wake-up order from the earliest,
-- and the runs executing were the earliest: each claim stepped over all of them (80 rows read and dropped to claim
-- 40, under load) before reaching one it could take. Now they sort after every due run, and become due exactly when
-- a crashed owner's lease runs out, which is when they may be taken again. The lease check stays: wake_at is only
-- where the walk starts. The update was already not HOT (lease_owner is in an index's predicate): moving wake_at
-- writes no extra index entry. Otherwise as 0027.
CREATE OR REPLACE FUNCTION herald_claim_runs(
  p_owner text, p_lease_ms integer, p_limit integer, p_per_key integer, p_per_group integer,
  p_full_groups jsonb, p_busy_groups jsonb, p_park_ms integer, p_lock_namespace integer, p_settling jsonb
) RETURNS TABLE (id text, workflow text, input jsonb, executions integer, concurrency_key text, group_key text, ordered boolean, skipped integer)
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off
SET enable_bitmapscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
DECLARE
  v_found text[];
  v_skipped integer;
BEGIN
  WITH full_keys AS (
    SELECT w.concurrency_key AS k FROM workflow_runs w
    WHERE w.lease_owner IS NOT NULL AND w.status IN ('queued', 'sleeping') AND w.lease_expires_at > now()
      AND w.concurrency_key IS NOT NULL AND w.id NOT IN (SELECT jsonb_array_elements_text(p_settling))
    GROUP BY w.concurrency_key HAVING count(*) >= p_per_key OR bool_or(w.ordered)
  ),
  candidates AS (
    SELECT w.id, w.concurrency_key, w.group_key, w.wake_at, w.ordered, w.seq, w.executions FROM workflow_runs w
    WHERE w.status IN ('queued', 'sleeping') AND w.wake_at <= now()
      AND (w.lease_expires_at IS NULL OR w.lease_expires_at < now())
      AND (w.concurrency_key IS NULL OR w.concurrency_key NOT IN (SELECT k FROM full_keys))
      AND (w.group_key IS NULL OR w.group_key NOT IN (SELECT jsonb_array_elements_text(p_full_groups)))
    ORDER BY w.wake_at
    LIMIT p_limit * 2
    FOR UPDATE SKIP LOCKED
  ),
  keys AS MATERIALIZED (
    SELECT s.k, pg_try_advisory_xact_lock(p_lock_namespace, hashtext(s.k)) AS locked
    FROM (SELECT DISTINCT c.concurrency_key AS k FROM candidates c WHERE c.concurrency_key IS NOT NULL) s
  ),
  scanned AS (
    SELECT c.*, (c.concurrency_key IS NULL OR coalesce(keys.locked, false)) AS claimable
    FROM candidates c LEFT JOIN keys ON keys.k = c.concurrency_key
  )
  SELECT coalesce(array_agg(s.id) FILTER (WHERE s.claimable), '{}'), (count(*) FILTER (WHERE NOT s.claimable))::integer
  INTO v_found, v_skipped
  FROM scanned s;

  IF cardinality(v_found) = 0 THEN
    IF v_skipped > 0 THEN
      RETURN QUERY SELECT NULL::text, NULL::text, NULL::jsonb, NULL::integer, NULL::text, NULL::text, NULL::boolean, v_skipped;
    END IF;
    RETURN;
  END IF;

  RETURN QUERY
  -- The candidates are read again by key: this transaction holds their row locks since the scan, so they are as
  -- the scan saw them (an id list is cheaper to hand over than their columns as JSON).
  WITH c AS MATERIALIZED (
    SELECT w.id, w.concurrency_key, w.group_key, w.wake_at, w.ordered, w.seq, w.executions FROM workflow_runs w
    WHERE w.id = ANY(v_found)
  ),
  running AS (
    SELECT w.concurrency_key AS k, count(*)::int AS n FROM workflow_runs w
    WHERE w.lease_owner IS NOT NULL AND w.status IN ('queued', 'sleeping') AND w.lease_expires_at > now()
      AND w.concurrency_key = ANY(ARRAY(SELECT DISTINCT c.concurrency_key FROM c))
      AND w.id NOT IN (SELECT jsonb_array_elements_text(p_settling))
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
    WHERE r.id = ANY(ARRAY(SELECT b.id FROM blocked b))
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
    SELECT g.id FROM by_group g WHERE g.group_key IS NULL OR g.group_slot <= p_per_group
    ORDER BY g.group_slot, g.wake_at LIMIT p_limit
  )
  UPDATE workflow_runs r
  -- wake_at moves with the lease: a leased run is not due again before its lease runs out, so the next claims'
  -- walk of the due index in wake-up order starts past it instead of stepping over every run still executing.
  SET lease_owner = p_owner, lease_expires_at = now() + (p_lease_ms * interval '1 millisecond'),
      wake_at = now() + (p_lease_ms * interval '1 millisecond'),
      executions = r.executions + 1, updated_at = now()
  WHERE r.id = ANY(ARRAY(SELECT ch.id FROM chosen ch))
  RETURNING r.id, r.workflow, r.input, r.executions, r.concurrency_key, r.group_key, r.ordered, v_skipped;
END
$fn$;
