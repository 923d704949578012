/**
 * `npm run prove:security`: auth, hostile input and tenant isolation, over HTTP against the real app (`next start` on
 * the production build, a fresh PostgreSQL database, no private targets allowed: production settings).
 *
 * What is swept is read from the project, so new pages, routes and actions are covered or the run fails:
 * pages from app/**\/page.tsx, API routes and their methods from app/api/**\/route.ts, server actions from the build's
 * server-reference manifest (every action a client can call, with its file and export name).
 *
 * The suites live in scripts/prove/security/ (one module each, listed in its index.ts); this entry starts the app,
 * makes the two tenants' data, runs the suites and prints the table. `tsx scripts/prove-security.ts auth tenant`
 * runs only those suites.
 *
 * auth     Every portal page without a session (none, a forged cookie, a valid token of a deleted user) lands on
 *          /login; every server action without a session answers `unauthorized`; every /api/v1 route without a
 *          key, with a malformed or a revoked key answers 401; API keys appear nowhere in the database or the app's
 *          logs (debug level); sign-in throttling holds over HTTP, for the right password too.
 * hostile  Hundreds of generated bad inputs against every action and every /api/v1 route: wrong types, huge
 *          strings, unicode tricks, CR/LF in header values, JSON bombs, deep nesting, over-long URLs, every SSRF
 *          form. 0 answers with status 500, every rejection carries a message, the database is unchanged (a digest
 *          of every table), and HTTPS receivers on 127.0.0.1 and [::1] see no connection at all. A host name that
 *          /etc/hosts points at 127.0.0.1 passes the form (no DNS there) and is blocked at delivery.
 * tenant   Globex's session and key with Acme's ids on every page, action and route that takes an id, and
 *          every list: 0 leaks (no Acme id or URL in any answer), 0 changes (the digest again).
 * throttle Limits hold when requests come at once, and the sign-in address is the socket's: parallel wrong
 *          passwords check exactly the per-email and per-IP budgets, X-Forwarded-For/X-Real-IP are ignored, and
 *          parallel Send test event calls send exactly 5 (requests leave from other 127.0.0.0/8 addresses).
 * bodies   Chunked 200 MB uploads without Content-Length to every body reader (413, RSS measured); one tenant's
 *          bad events beside 80 concurrent publishes of another; undecodable ids in every API and page path; NUL
 *          in the Logs search.
 * platform The platform API (acts on every organization by design): no key, a partner's key, a revoked platform key
 *          -> 401 on every route; a platform key is nothing on /api/v1, the portal or actions; {org} spellings aimed
 *          at other organizations -> 404; hostile bodies -> 4xx with a message; nothing stored by a refusal.
 *
 * Needs DATABASE_URL (a database is created and dropped there) and a production build. PROVE_SECURITY_PORT
 * (default 3270). Prints a table and exits 1 when a check fails.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import type { Receiver } from "../testing/https-receiver";
import { createBenchDatabase } from "./bench-database";
import { killNextApp, startNextApp } from "./prove/next-app";
import { SUITES } from "./prove/security";
import { actions, apiRoutes, AUTH_SECRET, http, LOG_FILE, pages, PORT, signIn, sleep, type Check, type SecurityContext } from "./prove/security/kit";

async function main() {
  if (!process.env.DATABASE_URL) {
    console.log("prove:security: skipped, it needs DATABASE_URL.");
    return;
  }
  if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
  mkdirSync(path.dirname(LOG_FILE), { recursive: true });
  const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const runs = (suite: string) => only.length === 0 || only.includes(suite);

  const database = await createBenchDatabase("herald_prove_security", { DELIVERY_WORKER: "0", LOG_LEVEL: "warn", AUTH_SECRET });
  const raw = postgres(database.url, { max: 2, onnotice: () => undefined });
  const receivers: Receiver[] = [];
  let app: ChildProcess | undefined;
  const checks: Check[] = [];
  const check: SecurityContext["check"] = (suite, what) => {
    const c: Check = { suite, what, count: 0, failures: [] };
    checks.push(c);
    return {
      probe(ok: boolean, failure: string) {
        c.count += 1;
        if (!ok) c.failures.push(failure);
      },
      fail(failure: string) {
        c.failures.push(failure);
      },
    };
  };

  try {
    const { closeDb } = await import("../db");
    const { prepareDatabase } = await import("../lib/startup");
    const { sessionContextFor } = await import("../testing/session");
    const { runAction } = await import("../lib/action");
    const { createEndpointSchema } = await import("../app/(portal)/webhooks/schemas");
    const { createEndpoint } = await import("../lib/endpoints/operations");
    const { createApiKey, revokeApiKey } = await import("../lib/api-keys");
    const { publishEvent } = await import("../lib/delivery/publish");
    const { EVENT_CATALOG } = await import("../lib/events/catalog");
    const { startReceiver } = await import("../testing/https-receiver");
    const { ensureTestCertificates } = await import("../testing/test-ca");

    await prepareDatabase();
    const acme = await sessionContextFor("partner@example.com");
    const globex = await sessionContextFor("other@example.com");
    // Globex on Enterprise too, so the plan gate cannot hide a tenancy hole behind "upgrade your plan".
    await raw`update organizations set plan = 'enterprise' where id = ${globex.org.id}`;
    const globexCtx = await sessionContextFor("other@example.com");

    // Acme's data: an endpoint (public name; no retries, so its one delivery settles before the sweeps), an event
    // and its delivery, API keys (one revoked).
    const endpoint = await runAction(acme, createEndpointSchema, createEndpoint, {
      url: "https://hooks.acme-verify.example/herald",
      maxRetries: 0,
      headers: [{ name: "X-Acme-Token", value: "acme-header-secret-value" }],
    });
    if (!endpoint.ok) throw new Error(endpoint.error.message);
    const acmeEndpointId = endpoint.data.id;
    const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;
    const published = await publishEvent(acme.org.id, "credential.issued", example);
    const acmeDeliveryId = published.deliveryIds[0]!;
    const acmeKey = (await createApiKey({ name: "acme prove" }, acme)).key;
    const globexKey = (await createApiKey({ name: "globex prove" }, globexCtx)).key;
    const revoked = await createApiKey({ name: "revoked" }, acme);
    await revokeApiKey({ id: revoked.id }, acme);
    const allKeys = [acmeKey, globexKey, revoked.key];
    await closeDb();

    // HTTPS receivers on private addresses: an SSRF that got through would connect to one of them.
    const v4 = await startReceiver({ host: "127.0.0.1" });
    const v6 = await startReceiver({ host: "::1" });
    receivers.push(v4, v6);

    app = await startNextApp({
      port: PORT,
      portVariable: "PROVE_SECURITY_PORT",
      logFile: LOG_FILE,
      logMode: "w",
      env: {
        ...process.env,
        NODE_ENV: "production" as const,
        SEED_DEMO: "0",
        DELIVERY_WORKER: "1",
        DELIVERY_POLL_MS: "100",
        LOG_LEVEL: "debug",
        WEBHOOK_ALLOW_PRIVATE_TARGETS: "",
        // Trusted, so that a request slipping past the guard would complete and be seen, not die in TLS.
        NODE_EXTRA_CA_CERTS: ensureTestCertificates().caCertPath,
        AUTH_TRUST_HOST: "true",
        NEXT_TELEMETRY_DISABLED: "1",
        // Configured, so the Stripe webhook reads bodies (the bodies suite sends it oversized ones).
        STRIPE_WEBHOOK_SECRET: "whsec_cHJvdmUtc2VjdXJpdHktc3RyaXBlLXNlY3JldA==",
      },
    });
    // Acme's one delivery fails on DNS (no retries) before anything is measured, and the notices it and the setup
    // wrote (endpoint alerts, operational events) are handled, so no table changes under a digest.
    for (let i = 0; i < 100; i += 1) {
      const [row] = await raw<{ status: string }[]>`select status from deliveries where id = ${acmeDeliveryId}`;
      const [notices] = await raw<{ n: number }[]>`select count(*)::int as n from endpoint_notices`;
      if (row?.status === "failed" && notices!.n === 0) break;
      await sleep(100);
    }

    // Acme's public-API objects, made through the API.
    const made = async (urlPath: string, body: unknown) => {
      const r = await http("POST", urlPath, { key: acmeKey, body: JSON.stringify(body) });
      if (r.status >= 300) throw new Error(`${urlPath}: ${r.status} ${r.text}`);
      return r.json as Record<string, unknown>;
    };
    const session = await made("/api/v1/sessions", { platform: "linkedin", referenceId: "acme-ref-secret" });
    const credential = await made("/api/v1/credentials", { badgeId: "BDG-ACME", recipientEmail: "acme.recipient@example.com" });
    const bulk = await made("/api/v1/credentials/bulk", { badgeId: "BDG-ACME-BULK", recipients: [{ email: "bulk.acme@example.com" }] });
    const ids = {
      endpoint: acmeEndpointId,
      delivery: acmeDeliveryId,
      event: published.id,
      session: String(session.id),
      credential: String(credential.credentialId ?? credential.id),
      bulk: String(bulk.id),
      apiKey: revoked.id,
    };
    // Markers of Acme's data that must never show up in an answer to Globex.
    const acmeMarkers = [ids.endpoint, ids.delivery, ids.event, ids.session, ids.credential, ids.bulk, "hooks.acme-verify.example", "acme-ref-secret", "acme.recipient@example.com", "Acme Verify"];

    const acmeCookie = await signIn("partner@example.com", "partner-demo-password");
    const globexCookie = await signIn("other@example.com", "other-demo-password");
    if (!acmeCookie || !globexCookie) throw new Error("could not sign in the demo partners");

    /**
     * A digest of every table: any insert, update or delete shows. Sign-in attempts (login_attempts, and the audit
     * log's sign_in.* events), key last-use and session last-seen (auth_sessions, a write a minute) are expected.
     */
    const digest = async () => {
      const tables = await raw<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public' and tablename not in ('login_attempts', '__drizzle_migrations') order by 1`;
      const out: Record<string, string> = {};
      for (const { name } of tables) {
        const [row] = await raw.unsafe(`select count(*)::text || ':' || coalesce(md5(string_agg((to_jsonb(t) - 'last_used_at' - 'last_seen_at')::text, ',' order by (to_jsonb(t) - 'last_used_at' - 'last_seen_at')::text)), '') as d from "${name}" t${name === "audit_events" ? " where t.action not like 'sign_in.%'" : ""}`);
        out[name] = String(row!.d);
      }
      return out;
    };
    const changedTables = (a: Record<string, string>, b: Record<string, string>) =>
      Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]);

    const allPages = pages();
    const allRoutes = apiRoutes();
    const allActions = actions();
    const idFor = (route: string): string | undefined => {
      if (/^\/webhooks\/\[id\]$/.test(route)) return ids.endpoint;
      if (/logs\/\[id\]$/.test(route)) return ids.delivery;
      if (/^\/api\/v1\/sessions\/\[id\]/.test(route)) return ids.session;
      if (/^\/api\/v1\/credentials\/bulk\/\[id\]/.test(route)) return ids.bulk;
      if (/^\/api\/v1\/credentials\/\[id\]/.test(route)) return ids.credential;
      if (/^\/api\/v1\/endpoints\/\[id\]/.test(route)) return ids.endpoint;
      return undefined;
    };
    const fill = (route: string, id: string) => route.replace(/\[id\]/g, encodeURIComponent(id));

    const ctx: SecurityContext = {
      raw,
      check,
      digest,
      changedTables,
      allPages,
      allRoutes,
      allActions,
      idFor,
      fill,
      ids,
      acmeOrgId: acme.org.id,
      acmeMarkers,
      acmeCookie,
      globexCookie,
      acmeKey,
      globexKey,
      revokedKey: revoked.key,
      allKeys,
      receivers: { v4, v6 },
      appPid: app.pid!,
    };
    const chosen = SUITES.filter((s) => runs(s.name));
    for (const suite of chosen) await suite.run(ctx);
    for (const suite of chosen) await suite.runLast?.(ctx);

    // ---- report -----------------------------------------------------------------------------------------------------
    const failed = checks.filter((c) => c.failures.length > 0);
    const probes = (suite: string) => checks.filter((c) => c.suite === suite).reduce((n, c) => n + c.count, 0);
    console.log(
      `\nprove:security: ${allPages.length} pages, ${allRoutes.length} API routes, ${allActions.length} server actions (from the build); ` +
        `probes: ${SUITES.map((s) => `${s.name} ${probes(s.name)}`).join(", ")}\n`,
    );
    console.log("| Suite | Check | Probes | Failures | Result |\n|---|---|---|---|---|");
    for (const c of checks) console.log(`| ${c.suite} | ${c.what} | ${c.count} | ${c.failures.length} | ${c.failures.length === 0 ? "pass" : "FAIL"} |`);
    const serverErrors = readFileSync(LOG_FILE, "utf8").split("\n").filter((l) => /"level":"error"/.test(l));
    if (serverErrors.length > 0) console.log(`\napp log: ${serverErrors.length} error line(s), e.g.\n${serverErrors.slice(0, 3).join("\n").slice(0, 1500)}`);
    for (const c of failed) console.log(`\nFAILED ${c.suite}: ${c.what}\n- ${c.failures.slice(0, 15).join("\n- ")}${c.failures.length > 15 ? `\n... and ${c.failures.length - 15} more` : ""}`);
    process.exitCode = failed.length > 0 ? 1 : 0;
    if (failed.length === 0) console.log("\nprove:security: all checks passed.");
  } finally {
    if (app) killNextApp(app);
    await Promise.all(receivers.map((r) => r.close()));
    await raw.end();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
