import { describe, expect, it } from "vitest";
import { scannedRows, withExplainedDatabase } from "@/testing/kept-plans";
import { recordStatement, type RecordRow } from "./attempt";

/**
 * The recording's plan is made once per connection and kept (db/index.ts): made while the tables were small, it must
 * still read only the rows at hand once there are thousands of organizations, endpoints and deliveries. Its check for
 * a platform listening to `delivery.exhausted` once joined every endpoint to its organization at each recording.
 * auto_explain is PostgreSQL's; PGlite has no such module. CI always runs with PostgreSQL.
 */
describe.skipIf(!process.env.DATABASE_URL)("the recording's kept plan", () => {
  it("made on an empty database, reads only the attempts' own rows once thousands of tenants are stored", async () => {
    const attempt = (delivery: string, org: string, endpoint: string, outcome: "succeeded" | "retry" | "failed"): RecordRow => ({
      delivery_id: delivery,
      organization_id: org,
      endpoint_id: endpoint,
      attempt_number: 1,
      started_at: new Date().toISOString(),
      duration_ms: 12,
      request_url: "https://receiver.example/hooks",
      request_headers: { "content-type": "application/json" },
      response_status: outcome === "succeeded" ? 200 : 500,
      response_headers: { "content-type": "text/plain" },
      response_body: outcome === "succeeded" ? "ok" : "boom",
      response_body_truncated: false,
      error_class: outcome === "succeeded" ? null : "http_status",
      error_message: outcome === "succeeded" ? null : "The endpoint answered 500.",
      succeeded: outcome === "succeeded",
      dns_ms: null,
      connect_ms: null,
      tls_ms: null,
      ttfb_ms: 10,
      final_status: outcome === "retry" ? "pending" : outcome,
      counts_failure: outcome === "failed",
      gone: false,
      next_attempt_at: outcome === "retry" ? new Date(Date.now() + 60_000).toISOString() : null,
      completed_at: outcome === "retry" ? null : new Date().toISOString(),
    });
    // On a connection set up as the app's delivery path's: the plan is made at the first execution and kept.
    await withExplainedDatabase("record_plans", { deliveryPath: true }, async ({ conn, notices, runPrepared }) => {
      const record = (rows: RecordRow[]) => runPrepared(recordStatement(rows));
      // The plan is made now, with one organization, one endpoint and six deliveries, and kept.
      await conn.unsafe(`
        insert into organizations (id, slug, name) values ('org_first', 'first', 'First');
        insert into webhook_endpoints (id, organization_id, url, secret_encrypted) values ('ep_first', 'org_first', 'https://first.example/h', 'x');
        insert into events (id, organization_id, type, data)
          select 'evt_first_' || g, 'org_first', 'credential.issued', '{}' from generate_series(1, 6) g;
        insert into deliveries (id, organization_id, event_id, endpoint_id)
          select 'dlv_first_' || g, 'org_first', 'evt_first_' || g, 'ep_first' from generate_series(1, 6) g;
      `);
      for (let i = 1; i <= 6; i += 1) await record([attempt(`dlv_first_${i}`, "org_first", "ep_first", "succeeded")]);

      // Now thousands: 2,000 organizations with 5 endpoints each, a platform organization listening to
      // delivery.exhausted, 10 events per organization, each delivered to its 5 endpoints.
      await conn.unsafe(`
        insert into organizations (id, slug, name) select 'org_' || g, 'org-' || g, 'Org ' || g from generate_series(1, 2000) g;
        insert into organizations (id, slug, name, is_platform) values ('org_platform', 'platform', 'Platform', true);
        insert into webhook_endpoints (id, organization_id, url, secret_encrypted, event_types)
          values ('ep_platform', 'org_platform', 'https://platform.example/ops', 'x', array['delivery.exhausted']);
        insert into webhook_endpoints (id, organization_id, url, secret_encrypted)
          select 'ep_' || o || '_' || e, 'org_' || o, 'https://org' || o || '.example/h' || e, 'x'
          from generate_series(1, 2000) o, generate_series(1, 5) e;
        insert into events (id, organization_id, type, data)
          select 'evt_' || o || '_' || n, 'org_' || o, 'credential.issued', '{}' from generate_series(1, 2000) o, generate_series(1, 10) n;
        insert into deliveries (id, organization_id, event_id, endpoint_id)
          select 'dlv_' || o || '_' || e || '_' || n, 'org_' || o, 'evt_' || o || '_' || n, 'ep_' || o || '_' || e
          from generate_series(1, 2000) o, generate_series(1, 5) e, generate_series(1, 10) n;
      `);
      // 16 attempts over four organizations: successes, retries and final failures (which count towards the endpoint's
      // failures, change its health and, the platform listening, each write a delivery.exhausted notice).
      const outcomes = ["succeeded", "retry", "failed", "succeeded"] as const;
      const batch = Array.from({ length: 16 }, (_, i) => {
        const org = 100 + (i % 4);
        return attempt(`dlv_${org}_${1 + (i % 5)}_${1 + Math.floor(i / 4)}`, `org_${org}`, `ep_${org}_${1 + (i % 5)}`, outcomes[Math.floor(i / 4)]!);
      });
      notices.length = 0;
      await record(batch);
      // The recording's plan only (the counts below are explained too).
      const plans = notices.join("\n");
      const [counts] = await conn.unsafe<{ attempts: number; recorded: number; exhausted: number; failing: number }[]>(`
        select (select count(*) from delivery_attempts where delivery_id like 'dlv\\_1%')::int as attempts,
          (select count(*) from deliveries where attempt_count = 1 and id like 'dlv\\_1%')::int as recorded,
          (select count(*) from endpoint_notices where event_type = 'delivery.exhausted')::int as exhausted,
          (select count(*) from webhook_endpoints where health = 'failing')::int as failing`);
      // Every attempt is stored and counted; the four final failures are announced to the platform.
      expect(counts).toMatchObject({ attempts: 16, recorded: 16, exhausted: 4 });
      expect(counts!.failing).toBeGreaterThan(0);
      // The statement itself was explained, with the statements it runs (the inserted attempts' key checks).
      expect(plans).toContain("Insert on delivery_attempts");
      expect(plans).toContain("FOR KEY SHARE");
      expect(plans).not.toMatch(/Seq Scan on (webhook_endpoints|organizations|deliveries|events|delivery_attempts)|Bitmap Heap Scan|Hash Join|Merge Join|Hash Anti Join|Hash Semi Join/);
      // No scan node returned more than a few dozen rows, whereas the tables hold 2,000 organizations, 10,000
      // endpoints and 100,000 deliveries.
      const scanned = scannedRows(plans);
      expect(scanned.length).toBeGreaterThan(0);
      expect(scanned.filter((s) => s.rows >= 200)).toEqual([]);
    });
  }, 120_000);
});
