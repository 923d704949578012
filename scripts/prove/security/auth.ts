/**
 * auth: every portal page without a session (none, a forged cookie, a valid token of a deleted user) lands on /login;
 * every server action without a session answers `unauthorized`; every /api/v1 route without a key, with a malformed
 * or a revoked key answers 401; API keys appear nowhere in the database or the app's logs (debug level); sign-in
 * throttling holds over HTTP, for the right password too (last, as it locks an account).
 */
import { readFileSync } from "node:fs";
import { encode } from "next-auth/jwt";
import { AUTH_SECRET, BASE, callAction, declaredActions, http, LOG_FILE, PLATFORM_API_PREFIX, PUBLIC_ACTIONS, PUBLIC_API_ROUTES, PUBLIC_PAGES, type SecuritySuite, signIn, sleep } from "./kit";

export const authSuite: SecuritySuite = {
  name: "auth",
  async run(ctx) {
    const { raw, check, digest, changedTables, allPages, allRoutes, allActions, idFor, fill, ids, acmeOrgId, acmeMarkers, acmeCookie, revokedKey, allKeys } = ctx;
    const portalPages = allPages.filter((p) => !PUBLIC_PAGES.includes(p));
    const deletedUserToken = await encode({
      token: { uid: "usr_deleted000000000000", orgId: acmeOrgId, sub: "usr_deleted000000000000" },
      secret: AUTH_SECRET,
      salt: "authjs.session-token",
    });
    const deletedCookie = `authjs.session-token=${deletedUserToken}`;
    const pageCheck = check("auth", "portal pages without a session (none, forged cookie, deleted user's token) go to /login");
    for (const page of portalPages) {
      const id = page.includes("[id]") ? idFor(page) : "";
      if (id === undefined) {
        pageCheck.fail(`${page}: no id to try; teach idFor() about it`);
        continue;
      }
      const urlPath = fill(page, id);
      for (const [label, cookie] of [["no cookie", undefined], ["forged cookie", "authjs.session-token=forged.not-a-jwt"], ["deleted user", deletedCookie]] as const) {
        // Follows redirects on this site (`/` sends a token holder on to /webhooks, which sends a dead one to /login).
        let r = await http("GET", urlPath, { cookie });
        for (let hop = 0; hop < 3 && r.status >= 300 && r.status < 400 && r.location && !/\/login(\?|$)/.test(r.location); hop += 1) {
          r = await http("GET", new URL(r.location, BASE).pathname, { cookie });
        }
        const toLogin = r.status >= 300 && r.status < 400 && /\/login(\?|$)/.test(r.location ?? "");
        const shown = acmeMarkers.find((m) => m !== id && r.text.includes(m));
        pageCheck.probe(toLogin && !shown, `${urlPath} (${label}): ${r.status} ${r.location ?? ""}${shown ? `, shows ${shown}` : ""}`);
      }
    }

    const actionCheck = check("auth", "server actions without a session answer unauthorized and change nothing");
    const before = await digest();
    const publicActions = new Set(PUBLIC_ACTIONS);
    for (const action of allActions) {
      if (publicActions.has(action.name)) continue;
      for (const [label, cookie] of [["no cookie", undefined], ["forged cookie", "authjs.session-token=forged.not-a-jwt"], ["deleted user", deletedCookie]] as const) {
        const r = await callAction(action, [{ id: ids.endpoint, name: "x", url: "https://a.example/", active: false }], cookie);
        // Without a valid token proxy.ts sends the post to /login before any action runs; a valid token of a
        // user who no longer exists reaches the action, whose own session check must refuse it.
        const redirected = r.status >= 300 && r.status < 400 && /\/login(\?|$)/.test(r.location ?? "");
        const refused = r.result?.ok === false && r.result.error?.code === "unauthorized" && Boolean(r.result.error.message);
        actionCheck.probe(
          r.status < 500 && (label === "deleted user" ? refused : redirected || refused),
          `${action.file}#${action.name} (${label}): ${r.status} ${r.location ?? ""} ${JSON.stringify(r.result) ?? r.text.slice(0, 200)}`,
        );
      }
    }
    const changed = changedTables(before, await digest());
    actionCheck.probe(changed.length === 0, `tables changed: ${changed.join(", ")}`);
    const unreachable = declaredActions().filter((d) => !allActions.some((a) => d === `${a.file}#${a.name}`));
    if (unreachable.length > 0) console.log(`actions exported but in no client bundle (not callable from outside): ${unreachable.join(", ")}`);

    const apiCheck = check("auth", "every /api/v1 route without a key, with a malformed or a revoked key: 401 with a message");
    // Catch-alls (`[...rest]`) answer unknown paths: checked below with paths no route has.
    const isCatchAll = (route: string) => route.includes("[...");
    for (const { route, methods } of allRoutes.filter((r) => r.route.startsWith("/api/v1/") && !PUBLIC_API_ROUTES.includes(r.route) && !isCatchAll(r.route))) {
      const id = route.includes("[id]") ? idFor(route) : "";
      if (id === undefined) {
        apiCheck.fail(`${route}: no id to try; teach idFor() about it`);
        continue;
      }
      for (const method of methods) {
        for (const [label, key] of [["no key", undefined], ["malformed key", "hk_live_short"], ["revoked key", revokedKey], ["a session cookie instead", undefined]] as const) {
          const r = await http(method, fill(route, id), {
            key,
            cookie: label === "a session cookie instead" ? acmeCookie : undefined,
            body: method === "GET" ? undefined : "{}",
          });
          const message = (r.json as { error?: { message?: string } } | undefined)?.error?.message;
          apiCheck.probe(r.status === 401 && Boolean(message), `${method} ${route} (${label}): ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
    }
    const otherRoutes = allRoutes
      .filter((r) => (!r.route.startsWith("/api/v1/") || PUBLIC_API_ROUTES.includes(r.route)) && !(isCatchAll(r.route) && r.route !== "/api/auth/[...nextauth]"))
      .map((r) => r.route);
    // /api/unsubscribe: public by design (RFC 8058 one-click; the signed token is the authorization), its own suite: alerts.
    const known = ["/api/auth/[...nextauth]", "/api/health", "/api/inngest", ...PUBLIC_API_ROUTES, "/api/webhooks/stripe", "/api/unsubscribe"];
    // The platform API's routes are decided in their own suite (platform.ts): every one needs a platform key.
    const uncovered = otherRoutes.filter((r) => !known.includes(r) && !r.startsWith(PLATFORM_API_PREFIX));
    apiCheck.probe(uncovered.length === 0, `routes outside /api/v1 nobody decided about: ${uncovered.join(", ")}`);

    // Unknown API paths answer the API's JSON error (404 with a message), for every method and with or without a key,
    // never the portal's HTML page: under each catch-all route, under /api/v1 and /api/platform, and one level up.
    const unknownCheck = check("auth", "unknown /api paths (every catch-all, /api/v1, /api/platform): JSON 404 with a message, every method");
    const catchAllPaths = allRoutes.filter((r) => isCatchAll(r.route) && r.route !== "/api/auth/[...nextauth]").map((r) => r.route.replace(/\[\.\.\.\w+\]$/, "no-such-route"));
    if (catchAllPaths.length === 0) unknownCheck.fail("no catch-all route under app/api: unknown paths get the HTML page");
    const unknownPaths = [...new Set([...catchAllPaths, "/api/v1/no-such-route", "/api/v1/events/x/y/z", "/api/platform/v1/no-such-route", "/api/no-such-route"])];
    for (const urlPath of unknownPaths) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        for (const key of [undefined, ctx.acmeKey]) {
          const r = await http(method, urlPath, { key, body: method === "GET" ? undefined : "{}" });
          const message = (r.json as { error?: { message?: string } } | undefined)?.error?.message;
          unknownCheck.probe(r.status === 404 && Boolean(message), `${method} ${urlPath} (${key ? "key" : "no key"}): ${r.status} ${r.text.slice(0, 120)}`);
        }
      }
    }

    // API keys: a key made through the portal action, then used (well and badly), appears nowhere in clear.
    const keyCheck = check("auth", "API keys never stored or logged in clear (database scan, app log at debug level)");
    const createKey = allActions.find((a) => a.name === "createApiKeyAction");
    if (!createKey) keyCheck.fail("no createApiKeyAction in the build");
    else {
      const made = await callAction(createKey, [{ name: "made over http" }], acmeCookie);
      const key = (made.result?.data as { key?: string } | undefined)?.key;
      if (!key) keyCheck.fail(`createApiKeyAction answered ${made.status} ${made.text.slice(0, 200)}`);
      else {
        allKeys.push(key);
        await http("POST", "/api/v1/events", { key, body: "{not json" });
        await http("POST", "/api/v1/events", { key, body: JSON.stringify({ type: "nope", data: {} }) });
        await http("GET", "/api/v1/events", { key });
        const page = await http("GET", "/api-keys", { cookie: acmeCookie });
        keyCheck.probe(page.status === 200 && !page.text.includes(key), "the API keys page shows the key again");
      }
      const tables = await raw<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public'`;
      for (const k of allKeys) {
        for (const { name } of tables) {
          const [row] = await raw.unsafe(`select count(*)::int as n from "${name}" t where to_jsonb(t)::text like '%' || $1 || '%'`, [k.slice(8)]);
          keyCheck.probe(Number(row!.n) === 0, `table ${name} holds an API key in clear`);
        }
        const [hashed] = await raw<{ n: number }[]>`select count(*)::int as n from api_keys where key_hash = encode(sha256(${k}::bytea), 'hex')`;
        keyCheck.probe(hashed!.n === 1, "a key's SHA-256 is not stored");
      }
      await sleep(300);
      const logText = readFileSync(LOG_FILE, "utf8");
      for (const k of allKeys) keyCheck.probe(!logText.includes(k.slice(8)), "the app log contains an API key");
      keyCheck.probe(!logText.includes("acme-header-secret-value"), "the app log contains a custom header value");
    }
  },
  async runLast(ctx) {
    const { raw, check, globexCookie } = ctx;
    // Last, because it locks Globex's email for the window.
    const throttle = check("auth", "sign-in throttling over HTTP: after 10 failures even the right password is refused");
    for (let i = 0; i < 10; i += 1) await signIn("other@example.com", `wrong-${i}`);
    const afterBudget = await signIn("other@example.com", "other-demo-password");
    throttle.probe(afterBudget === undefined, "the right password still signed in after 10 failures");
    const [attempts] = await raw<{ n: number }[]>`select count(*)::int as n from login_attempts where email = 'other@example.com' and not succeeded`;
    throttle.probe(attempts!.n >= 10, `only ${attempts!.n} failures recorded`);
    const page = await http("GET", "/webhooks", { cookie: globexCookie });
    throttle.probe(page.status === 200, "an existing session stopped working during the lock-out");
  },
};
