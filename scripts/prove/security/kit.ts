/**
 * What every prove:security suite shares: where the app runs, what the project contains (pages, API routes, server
 * actions read from the build), how to talk to the app over HTTP as a browser or an API client would, and the
 * context the entry (scripts/prove-security.ts) hands each suite: the seeded tenants, their ids and credentials.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type postgres from "postgres";
import type { Receiver } from "../../../testing/https-receiver";

export const PORT = Number(process.env.PROVE_SECURITY_PORT ?? 3270);
export const BASE = `http://localhost:${PORT}`;
export const LOG_FILE = path.join(".data", "prove", "security-app.log");
export const AUTH_SECRET = "prove-security-secret-0123456789abcdefghijklmnop";
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** API routes that need no key by design (they hold no one's data): the key sweeps leave them out. */
export const PUBLIC_API_ROUTES = ["/api/v1/openapi.json", "/api/v1/signature-test-vectors.json", "/api/platform/v1/openapi.json"];
/**
 * The platform API acts on every organization by design (a platform key, not a tenant's): the tenant sweep's rules
 * do not fit it, so the platform suite (platform.ts) sweeps every route under this prefix instead.
 */
export const PLATFORM_API_PREFIX = "/api/platform/v1/";
/** Pages anyone may open (lib/auth/config.ts PUBLIC_PATHS): sign-in, invitation links, password reset, magic links. */
export const PUBLIC_PAGES = ["/login", "/invite/[token]", "/reset-password", "/reset-password/[token]", "/unsubscribe", "/portal/[token]"];
/** Actions anyone may call: sign-in and sign-out, and the ones a link's token authorizes (invitation, reset). */
export const PUBLIC_ACTIONS = [
  "signInWithPassword",
  "signInWithProvider",
  "signOutAction",
  "signOutForInvitationAction",
  "acceptInvitationAsNewPersonAction",
  "requestPasswordResetAction",
  "resetPasswordAction",
  // A magic link's token authorizes it (lib/platform/portal-sessions.ts); the portal-links suite probes it.
  "openPortalLinkAction",
];

// ---- what the project contains ------------------------------------------------------------------------------------

export function walk(dir: string, file: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, file, out);
    else if (entry.name === file) out.push(full);
  }
  return out;
}

/** `app/(portal)/webhooks/[id]/page.tsx` -> `/webhooks/[id]` (route groups dropped). */
export function routeOf(file: string): string {
  const parts = path.dirname(file).split(path.sep).slice(1).filter((p) => !/^\(.*\)$/.test(p));
  return `/${parts.join("/")}`;
}

export const pages = () => walk("app", "page.tsx").map(routeOf).sort();

export function apiRoutes(): { route: string; methods: string[] }[] {
  return walk(path.join("app", "api"), "route.ts")
    .map((file) => {
      const source = readFileSync(file, "utf8");
      const methods = new Set<string>();
      for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function|const)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]!);
      for (const m of source.matchAll(/export\s+const\s+\{([^}]*)\}/g)) {
        for (const name of m[1]!.split(",").map((s) => s.trim())) if (/^(GET|POST|PUT|PATCH|DELETE)$/.test(name)) methods.add(name);
      }
      return { route: routeOf(file), methods: [...methods].sort() };
    })
    .sort((a, b) => a.route.localeCompare(b.route));
}

export interface ActionRef {
  id: string;
  file: string;
  name: string;
  /** A page whose bundle holds the action (route pattern, e.g. /webhooks/[id]): where the browser posts it. */
  page: string;
}

export function actions(): ActionRef[] {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node).map(([id, a]) => ({
    id,
    file: a.filename,
    name: a.exportedName,
    page: routeOf(`${Object.keys(a.workers)[0] ?? "app/login/page"}.tsx`),
  }));
}

/** Exported functions of every app/**\/actions.ts: one missing from the manifest cannot be called from outside. */
export function declaredActions(): string[] {
  return walk("app", "actions.ts").flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/export\s+async\s+function\s+(\w+)/g)].map((m) => `${file}#${m[1]}`),
  );
}

// ---- HTTP -----------------------------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  text: string;
  json: unknown;
  location: string | null;
  setCookies: string[];
}

export async function http(method: string, urlPath: string, options: { cookie?: string; key?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(`${BASE}${urlPath}`, {
    method,
    redirect: "manual",
    headers: {
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    },
    body: options.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, location: res.headers.get("location"), setCookies: res.headers.getSetCookie() };
}

/** React's reply encoding for plain JSON: a string starting with "$" is escaped as "$$". */
export function encodeReply(value: unknown): unknown {
  if (typeof value === "string") return value.startsWith("$") ? `$${value}` : value;
  if (Array.isArray(value)) return value.map(encodeReply);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeReply(v)]));
  return value;
}

export interface ActionAnswer {
  status: number;
  location: string | null;
  result: { ok: boolean; data?: unknown; error?: { code: string; message: string; fieldErrors?: Record<string, string[]> } } | undefined;
  text: string;
}

/** Calls a server action the way the browser does: POST with its id in `Next-Action`, the arguments as a reply. */
export async function callAction(action: ActionRef, args: unknown[], cookie?: string, rawBody?: string): Promise<ActionAnswer> {
  const res = await fetch(`${BASE}${action.page.replace(/\[[^\]]+\]/g, "x")}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "next-action": action.id,
      accept: "text/x-component",
      "content-type": "text/plain;charset=UTF-8",
      ...(cookie ? { cookie } : {}),
    },
    body: rawBody ?? JSON.stringify(encodeReply(args)),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let result: ActionAnswer["result"];
  for (const line of text.split("\n")) {
    const m = /^[0-9a-f]+:(\{.*\})$/.exec(line);
    if (!m) continue;
    try {
      const parsed = JSON.parse(m[1]!) as ActionAnswer["result"];
      if (parsed && typeof parsed === "object" && "ok" in parsed) result = parsed;
    } catch {
      // another row of the payload
    }
  }
  return { status: res.status, location: res.headers.get("location"), result, text };
}

export async function signIn(email: string, password: string): Promise<string | undefined> {
  const csrf = await fetch(`${BASE}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ email, password, csrfToken }),
  });
  return res.headers.getSetCookie().map((c) => c.split(";")[0] ?? "").find((c) => c.startsWith("authjs.session-token="));
}

// ---- the suites' context --------------------------------------------------------------------------------------------

export interface Check {
  suite: string;
  what: string;
  count: number;
  failures: string[];
}

export interface Probe {
  /** Counts one probe; records a failure when `ok` is false. */
  probe(ok: boolean, failure: string): void;
  fail(failure: string): void;
}

/** Acme's objects, made before the sweeps: the ids another tenant must never reach. */
export interface AcmeIds {
  endpoint: string;
  delivery: string;
  event: string;
  session: string;
  credential: string;
  bulk: string;
  apiKey: string;
}

export interface SecurityContext {
  raw: postgres.Sql;
  check(suite: string, what: string): Probe;
  /** A digest of every table: any insert, update or delete shows. Sign-in attempts and key last-use are expected. */
  digest(): Promise<Record<string, string>>;
  changedTables(a: Record<string, string>, b: Record<string, string>): string[];
  allPages: string[];
  allRoutes: { route: string; methods: string[] }[];
  allActions: ActionRef[];
  /** The Acme id to put into a route pattern, or undefined when the sweep does not know the route (a failure). */
  idFor(route: string): string | undefined;
  fill(route: string, id: string): string;
  ids: AcmeIds;
  acmeOrgId: string;
  /** Markers of Acme's data that must never show up in an answer to Globex. */
  acmeMarkers: string[];
  acmeCookie: string;
  globexCookie: string;
  acmeKey: string;
  globexKey: string;
  revokedKey: string;
  /** Every API key made during the run (suites add theirs): none may appear in clear anywhere. */
  allKeys: string[];
  /** HTTPS receivers on 127.0.0.1 and [::1]: an SSRF that got through would connect to one of them. */
  receivers: { v4: Receiver; v6: Receiver };
  /** The `next start` process (its children too are the app): for measuring its memory. */
  appPid: number;
}

/**
 * One suite of checks. `run` goes in the order of SUITES; `runLast` (optional) after every suite's `run`, for checks
 * that leave state others would trip over (the sign-in lock-out).
 */
export interface SecuritySuite {
  name: string;
  run(ctx: SecurityContext): Promise<void>;
  runLast?(ctx: SecurityContext): Promise<void>;
}
