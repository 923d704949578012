/**
 * platform: the platform API (/api/platform/v1) acts on every organization by design, so the tenant sweep's "another
 * tenant's id is a 404" does not apply to it; what must hold instead:
 * - every platform route (every method) without a key, with a malformed key, a partner's hk_live_ key, a revoked
 *   platform key or a session cookie: 401 with a message, nothing changed;
 * - a platform key is nothing anywhere else: 401 on every /api/v1 route, no portal page (to /login), no action;
 * - `{org}` spellings that try to reach an organization other than the one named (ids of others in odd case or
 *   with junk, `ext:` with odd characters, traversal, encoded NUL/CR/LF, SQL, Herald's own platform organization):
 *   404 with a message, never a 500 and never Acme's data; a valid body behind them stores nothing;
 * - hostile bodies and queries on every platform route: 4xx with a message, never a 500, nothing stored;
 * - Admin -> Platform API is a partner's 404 and its actions refuse partners; platform keys are nowhere in clear.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { BAD_IDS } from "../hostile-inputs";
import { BASE, callAction, encodeReply, http as send, LOG_FILE, PUBLIC_API_ROUTES, type SecuritySuite, sleep } from "./kit";

/**
 * One request, as a well-behaved platform backend sends it: a 429 from the per-key rate limit (this suite sends
 * hundreds of requests with one key, faster than 100 a second on an idle machine) is waited out as Retry-After says
 * and the same request sent again, so every probe judges the route's own answer.
 */
async function http(...args: Parameters<typeof send>): ReturnType<typeof send> {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await send(...args);
    const code = (answer.json as { error?: { code?: string } } | undefined)?.error?.code;
    if (answer.status !== 429 || code !== "rate_limited" || attempt >= 5) return answer;
    await sleep(1000);
  }
}

const PREFIX = "/api/platform/v1/";
const deep = (levels: number, open: string, close: string) => `${open.repeat(levels)}1${close.repeat(levels)}`;
const messageOf = (json: unknown) => (json as { error?: { message?: string } } | undefined)?.error?.message ?? "";
const INTERNAL = "Something went wrong on our side";

/** A valid body for each platform route and method: only the key or the `{org}` may stop it. */
function validBody(route: string, method: string): string | undefined {
  if (method === "GET") return undefined;
  if (route.endsWith("/events")) return JSON.stringify({ type: "credential.issued", data: {}, idempotencyKey: "prove-platform" });
  if (route.endsWith("/invitations")) return JSON.stringify({ email: "prove-platform@example.com", role: "owner" });
  if (route.endsWith("/portal-sessions")) return JSON.stringify({ role: "owner" });
  if (route.endsWith("/[org]") && method === "PATCH") return JSON.stringify({ name: "Taken over", active: false });
  if (route.endsWith("/organizations")) return JSON.stringify({ name: "Prove platform", externalId: "prove-platform-401" });
  return "{}";
}

/** Fields each body-reading platform route knows: bad values in them must be refused with a message. */
const FIELDS: Record<string, string[]> = {
  "POST /api/platform/v1/organizations": ["name", "externalId", "plan", "slug", "idempotencyKey"],
  "PATCH /api/platform/v1/organizations/[org]": ["name", "plan", "active"],
  "POST /api/platform/v1/organizations/[org]/events": ["type", "data", "idempotencyKey"],
  "POST /api/platform/v1/organizations/[org]/invitations": ["email", "role"],
  "POST /api/platform/v1/organizations/[org]/portal-sessions": ["email", "role", "returnUrl", "expiresInSeconds", "embedded"],
};
const QUERIES: Record<string, string[]> = {
  "/api/platform/v1/organizations": ["limit=-1", "limit=0", "limit=101", "limit=1e309", "limit=abc", "cursor=%00", `cursor=${"c".repeat(300)}`, "cursor=W10", "cursor=eyJhIjoxfQ", "externalId=%0d%0a", `externalId=${"x".repeat(500)}`, "externalId=has%20space"],
  "/api/platform/v1/organizations/[org]/deliveries": ["status=HACKED", "status=%0d%0a", "cursor=%00", `cursor=${"c".repeat(300)}`, "cursor=bm9wZQ", "cursor=WyJ4IiwieSJd"],
};

function hostileBodies(fields: string[]): [string, string][] {
  const out: [string, string][] = [
    ["not JSON", "{not json"],
    ["a JSON string", '"hello"'],
    ["a JSON number", "42"],
    ["JSON null", "null"],
    ["a JSON array", "[]"],
    ["50,000 levels of array nesting", deep(50_000, "[", "]")],
    ["__proto__ and constructor keys", '{"__proto__":{"isPlatformAdmin":true},"constructor":{"prototype":{"x":1}}}'],
    ["over 256 KB", JSON.stringify({ name: "x".repeat(300 * 1024) })],
  ];
  for (const field of fields) {
    out.push([`10,000 levels of object nesting in ${field}`, `{"${field}":${deep(10_000, '{"a":', "}")}}`]);
    // A value of the wrong type, on its own: never one a schema could accept (a number where a number is wanted).
    const wrong = field === "active" || field === "embedded" ? "yes" : field === "expiresInSeconds" ? "forever" : 42;
    out.push([`${field} of the wrong type`, JSON.stringify({ [field]: wrong })]);
    out.push([`${field} 200 KB`, JSON.stringify({ [field]: "x".repeat(200_000) })]);
    out.push([`${field} with NUL`, JSON.stringify({ [field]: "a\u0000b" })]);
    out.push([`${field} with a lone surrogate`, JSON.stringify({ [field]: "a\ud800b" })]);
    out.push([`${field} with CR/LF`, JSON.stringify({ [field]: "a\r\nBcc: x@example.com" })]);
  }
  return out;
}

export const platformSuite: SecuritySuite = {
  name: "platform",
  async run(ctx) {
    const { raw, check, digest, changedTables, allRoutes, allActions, acmeOrgId, acmeMarkers, acmeCookie, globexCookie, acmeKey, allKeys } = ctx;

    // Platform keys of the sweep's own (as Admin -> Platform API makes them: 256 random bits, SHA-256 stored).
    const makeKey = async (name: string, revoked: boolean) => {
      const key = `hk_platform_${randomBytes(32).toString("base64url")}`;
      const id = `pkey_prove${randomBytes(8).toString("hex").slice(0, 11)}`;
      await raw`insert into platform_keys (id, name, prefix, key_hash, revoked_at) values (${id}, ${name}, ${key.slice(0, 18)}, ${createHash("sha256").update(key).digest("hex")}, ${revoked ? new Date() : null})`;
      return key;
    };
    const platformKey = await makeKey("prove platform", false);
    const revokedPlatformKey = await makeKey("prove platform revoked", true);
    allKeys.push(platformKey, revokedPlatformKey);
    // Acme gets an external id, so `ext:` spellings have something to miss by one character.
    await raw`update organizations set external_id = 'acme-ext-1' where id = ${acmeOrgId} and external_id is null`;
    const [acmeRow] = await raw<{ external_id: string }[]>`select external_id from organizations where id = ${acmeOrgId}`;
    const acmeExt = acmeRow!.external_id;
    const [platformOrg] = await raw<{ id: string }[]>`select id from organizations where is_platform limit 1`;
    const [globexOrg] = await raw<{ id: string }[]>`select o.id from organizations o join memberships m on m.organization_id = o.id join users u on u.id = m.user_id where u.email = 'other@example.com' limit 1`;

    const routes = allRoutes.filter((r) => r.route.startsWith(PREFIX) && !PUBLIC_API_ROUTES.includes(r.route));
    const fill = (route: string, org: string) => route.replace("[org]", org);
    // Use the key once so its last use is written before the digest (a write a minute).
    await http("GET", "/api/platform/v1/organizations?limit=1", { key: platformKey });
    const before = await digest();

    const keyCheck = check("platform", "every platform route without a key, malformed, a partner's key, a revoked platform key, a session cookie: 401 with a message");
    for (const { route, methods } of routes) {
      for (const method of methods) {
        for (const [label, key, cookie] of [
          ["no key", undefined, undefined],
          ["malformed key", "hk_platform_short", undefined],
          ["a partner's hk_live_ key", acmeKey, undefined],
          ["a revoked platform key", revokedPlatformKey, undefined],
          ["a partner's session cookie instead", undefined, acmeCookie],
        ] as const) {
          const r = await http(method, fill(route, encodeURIComponent(acmeOrgId)), { key, cookie, body: validBody(route, method) });
          keyCheck.probe(r.status === 401 && Boolean(messageOf(r.json)), `${method} ${route} (${label}): ${r.status} ${r.text.slice(0, 160)}`);
        }
      }
    }

    const elsewhere = check("platform", "a platform key elsewhere: 401 on every /api/v1 route, no portal page, no server action");
    for (const { route, methods } of allRoutes.filter((r) => r.route.startsWith("/api/v1/") && !PUBLIC_API_ROUTES.includes(r.route) && !r.route.includes("[..."))) {
      for (const method of methods) {
        const r = await http(method, route.replace(/\[id\]/g, "x"), { key: platformKey, body: method === "GET" ? undefined : "{}" });
        elsewhere.probe(r.status === 401, `${method} ${route}: ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    for (const page of ["/webhooks", "/api-keys", "/admin", "/admin/platform-api", "/api-docs"]) {
      const r = await http("GET", page, { key: platformKey });
      elsewhere.probe(r.status >= 300 && r.status < 400 && /\/login(\?|$)/.test(r.location ?? ""), `${page} with the platform key: ${r.status} ${r.location ?? ""}`);
    }
    for (const name of ["createPlatformKeyAction", "createApiKeyAction"]) {
      const action = allActions.find((a) => a.name === name);
      if (!action) {
        elsewhere.fail(`no ${name} in the build`);
        continue;
      }
      // A bearer header is no session: proxy.ts sends the post to /login, or the action answers unauthorized.
      const r = await callActionWithKey(action, platformKey);
      elsewhere.probe(r, `${name} with only the platform key as a bearer header was not refused`);
    }

    const orgCheck = check("platform", "{org} spellings aimed at other organizations on every platform route: 404 with a message, no Acme data, nothing stored");
    const spellings = [
      acmeOrgId.toUpperCase(),
      `${acmeOrgId} `,
      ` ${acmeOrgId}`,
      `${acmeOrgId}x`,
      acmeOrgId.slice(0, -1),
      `${globexOrg?.id ?? "org_x"}/../${acmeOrgId}`,
      `${globexOrg?.id ?? "org_x"}%2F..%2F${acmeOrgId}`,
      `ext:${acmeExt.toUpperCase()}`,
      `ext:${acmeExt} `,
      `ext:${acmeExt}%00`,
      `ext:${acmeExt}%0d%0aX-Injected:%201`,
      `ext:${acmeExt}*`,
      `ext:%25`,
      "ext:",
      "ext:*",
      "ext:%",
      "ext:' or '1'='1",
      `ext:${"x".repeat(129)}`,
      `ext:ａcme-ext-1`,
      "ext:acme\u200b-ext-1",
      `ext:../${acmeOrgId}`,
      `EXT:${acmeExt}`,
      `external:${acmeExt}`,
      `id:${acmeOrgId}`,
      "*",
      "%ED%A0%80",
      "ext:%E0%A4%A",
      "ext:%FF",
      ...(platformOrg ? [platformOrg.id, `ext:${platformOrg.id}`] : []),
      ...BAD_IDS.filter((i) => i !== "" && !i.includes("\r") && !i.includes("\u0000")),
    ];
    for (const { route, methods } of routes.filter((r) => r.route.includes("[org]"))) {
      for (const method of methods) {
        for (const spelling of spellings) {
          // Encoded as a client would, except where the spelling is itself a percent-encoded trick.
          const segment = /%[0-9a-fA-F]{2}|%$/.test(spelling) && !spelling.includes(" ") ? spelling.replace(/\*/g, "%2A") : encodeURIComponent(spelling);
          const r = await http(method, fill(route, segment), { key: platformKey, body: validBody(route, method) });
          const found = acmeMarkers.find((m) => r.text.includes(m)) ?? (r.text.includes(acmeOrgId) ? acmeOrgId : undefined);
          orgCheck.probe(
            (r.status === 404 || r.status === 400) && Boolean(messageOf(r.json)) && !found,
            `${method} ${route} {org}=${JSON.stringify(spelling.slice(0, 60))}: ${r.status}${found ? `, shows ${found}` : ""} ${r.text.slice(0, 120)}`,
          );
        }
      }
    }
    // The control: the right spellings do reach Acme (so the 404s above are about the spelling, not a broken route).
    for (const org of [acmeOrgId, `ext:${acmeExt}`]) {
      const r = await http("GET", `/api/platform/v1/organizations/${encodeURIComponent(org)}`, { key: platformKey });
      orgCheck.probe(r.status === 200 && r.text.includes(acmeOrgId), `GET {org}=${org}: ${r.status} (the control should find Acme)`);
    }

    const hostileCheck = check("platform", "hostile bodies and queries on every platform route (platform key): 4xx with a message, never a 500, nothing stored");
    for (const { route, methods } of routes) {
      for (const method of methods) {
        const urlPath = fill(route, encodeURIComponent(acmeOrgId));
        if (method === "GET") {
          const queries = route.includes("[org]") && !QUERIES[route] ? [] : QUERIES[route];
          if (queries === undefined) hostileCheck.fail(`${route}: no hostile queries defined in scripts/prove/security/platform.ts`);
          for (const q of queries ?? []) {
            const r = await http("GET", `${urlPath}?${q}`, { key: platformKey });
            hostileCheck.probe(r.status === 400 && Boolean(messageOf(r.json)) && !messageOf(r.json).startsWith(INTERNAL), `GET ${route}?${q.slice(0, 40)}: ${r.status} ${r.text.slice(0, 160)}`);
          }
          continue;
        }
        const fields = FIELDS[`${method} ${route}`];
        if (!fields) {
          hostileCheck.fail(`${method} ${route}: no fields defined in scripts/prove/security/platform.ts`);
          continue;
        }
        for (const [label, body] of hostileBodies(fields)) {
          const r = await http(method, urlPath, { key: platformKey, body });
          const message = messageOf(r.json);
          hostileCheck.probe(r.status >= 400 && r.status < 500 && Boolean(message) && !message.startsWith(INTERNAL), `${method} ${route} ${label}: ${r.status} ${r.text.slice(0, 160)}`);
        }
      }
    }
    const changed = changedTables(before, await digest());
    hostileCheck.probe(changed.length === 0, `tables changed by refused platform requests: ${changed.join(", ")}`);

    const adminCheck = check("platform", "Admin -> Platform API: a partner's 404; its actions refuse partners and change nothing");
    const page = await http("GET", "/admin/platform-api", { cookie: globexCookie });
    adminCheck.probe(page.status === 404, `/admin/platform-api as a partner: ${page.status}`);
    const beforeActions = await digest();
    for (const name of ["createPlatformKeyAction", "revokePlatformKeyAction"]) {
      const action = allActions.find((a) => a.name === name);
      if (!action) {
        adminCheck.fail(`no ${name} in the build`);
        continue;
      }
      for (const cookie of [acmeCookie, globexCookie]) {
        const [row] = await raw<{ id: string }[]>`select id from platform_keys where revoked_at is null limit 1`;
        const r = await callAction(action, [name.startsWith("create") ? { name: "partner's platform key" } : { id: row!.id }], cookie);
        adminCheck.probe(r.status < 500 && r.result?.ok === false && Boolean(r.result.error?.message), `${name} as a partner: ${r.status} ${JSON.stringify(r.result)?.slice(0, 160)}`);
      }
    }
    const changedByPartners = changedTables(beforeActions, await digest());
    adminCheck.probe(changedByPartners.length === 0, `tables changed by partners: ${changedByPartners.join(", ")}`);

    const clearCheck = check("platform", "platform keys never stored or logged in clear");
    const tables = await raw<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public'`;
    for (const k of [platformKey, revokedPlatformKey]) {
      for (const { name } of tables) {
        const [row] = await raw.unsafe(`select count(*)::int as n from "${name}" t where to_jsonb(t)::text like '%' || $1 || '%'`, [k.slice(12)]);
        clearCheck.probe(Number(row!.n) === 0, `table ${name} holds a platform key in clear`);
      }
    }
    await sleep(300);
    const logText = readFileSync(LOG_FILE, "utf8");
    for (const k of [platformKey, revokedPlatformKey]) clearCheck.probe(!logText.includes(k.slice(12)), "the app log contains a platform key");
  },
};

/** Posts a server action with only `Authorization: Bearer <key>`: true when it was refused (to /login or unauthorized). */
async function callActionWithKey(action: Parameters<typeof callAction>[0], key: string): Promise<boolean> {
  const res = await fetch(`${BASE}${action.page.replace(/\[[^\]]+\]/g, "x")}`, {
    method: "POST",
    redirect: "manual",
    headers: { "next-action": action.id, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8", authorization: `Bearer ${key}` },
    body: JSON.stringify(encodeReply([{ name: "by a platform key" }])),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const toLogin = res.status >= 300 && res.status < 400 && /\/login(\?|$)/.test(res.headers.get("location") ?? "");
  return res.status < 500 && (toLogin || /"code":"unauthorized"/.test(text));
}
