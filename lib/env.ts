import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parsePricePlans } from "@/lib/billing/price-plans";
import type { PrivateTargets } from "@/lib/endpoints/private-targets";

/**
 * The one place that reads process.env. Every variable has a default that lets the first run (`npm run dev`)
 * work with nothing configured; production refuses to start without the secrets (see `assertRuntimeConfig`).
 * Every variable is documented in .env.example.
 */

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : ["1", "true", "yes"].includes(v)));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

/**
 * A list of web origins (`https://app.example.com`, `http://localhost:3000`), separated by commas or spaces. Each
 * must be an origin exactly: scheme, host and port only, no path, no wildcard.
 */
export function parseOriginList(value: string | undefined): { ok: true; origins: string[] } | { ok: false; message: string } {
  const origins: string[] = [];
  for (const item of (value ?? "").split(/[\s,]+/).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    if (!url || !["http:", "https:"].includes(url.protocol) || url.hostname.includes("*") || url.origin !== item.replace(/\/$/, "").toLowerCase()) {
      return { ok: false, message: `"${item}" is not an origin: write it as scheme://host[:port], e.g. https://app.example.com` };
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return { ok: true, origins };
}

const originList = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parsed = parseOriginList(value);
      if (parsed.ok) return parsed.origins;
      ctx.addIssue({ code: "custom", message: `${name}: ${parsed.message}` });
      return z.NEVER;
    });

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  NEXT_PHASE: optionalString,
  DATA_DIR: z.string().default(".data"),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  PGLITE_DATA_DIR: optionalString,
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(20),
  DATABASE_PREPARED_STATEMENTS: flag,
  SEED_DEMO: flag,
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional()),
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,
  AUTH_OIDC_ISSUER: optionalString.pipe(z.url("AUTH_OIDC_ISSUER must be a URL").optional()),
  AUTH_OIDC_ID: optionalString,
  AUTH_OIDC_SECRET: optionalString,
  AUTH_OIDC_NAME: z.string().default("Single sign-on"),
  LOGIN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).default(10),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(30),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0, "TRUSTED_PROXY_HOPS must be 0 or more").max(10, "TRUSTED_PROXY_HOPS must be at most 10").default(0),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  APP_ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .refine((v) => Buffer.from(v, "base64").length === 32, "APP_ENCRYPTION_KEY must be 32 bytes, base64-encoded (`openssl rand -base64 32`)")
      .optional(),
  ),
  NEW_APP_ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .refine((v) => Buffer.from(v, "base64").length === 32, "NEW_APP_ENCRYPTION_KEY must be 32 bytes, base64-encoded (`openssl rand -base64 32`)")
      .optional(),
  ),
  WEBHOOK_BRAND: z
    .string()
    .regex(/^[A-Za-z0-9]{1,32}$/, "WEBHOOK_BRAND must be 1-32 letters or digits (it becomes part of header names)")
    .default("Herald"),
  WEBHOOKS_REQUIRED_PLAN: z.enum(["free", "pro", "enterprise", "none"]).default("enterprise"),
  API_REQUIRED_PLAN: z.enum(["free", "pro", "enterprise"]).default("pro"),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: optionalString,
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  DELIVERY_CONCURRENCY_PER_ENDPOINT: z.coerce.number().int().min(1).max(100).default(8),
  DELIVERY_CONCURRENCY_PER_ORGANIZATION: z.coerce.number().int().min(1).max(1000).optional(),
  // Above the longest endpoint timeout (30 s): a step this long is stuck, not slow.
  DELIVERY_STEP_TIMEOUT_MS: z.coerce.number().int().min(31_000).max(3_600_000).default(60_000),
  DELIVERY_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  DELIVERY_WORKER: flag,
  DELIVERY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  DELIVERY_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(120_000),
  LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  PARTITION_LOCK_TIMEOUT_MS: z.coerce.number().int().min(10).max(600_000).default(500),
  API_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).max(100_000).default(100),
  CREDENTIAL_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  POLL_SETTLE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  INNGEST_DEV: optionalString,
  INNGEST_BASE_URL: optionalString,
  INNGEST_EVENT_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString.pipe(
    z.string().startsWith("whsec_", "STRIPE_WEBHOOK_SECRET must be the endpoint's signing secret (whsec_...)").optional(),
  ),
  STRIPE_SECRET_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, "STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_test_..., sk_live_..., rk_...)")
      .optional(),
  ),
  STRIPE_PRICE_PLANS: optionalString.transform((value, ctx) => {
    const parsed = parsePricePlans(value);
    if (parsed.ok) return parsed.plans;
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  }),
  APP_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: "APP_URL must be an http(s) URL, e.g. https://partners.example.com" }).optional()),
  APP_NAME: optionalString.pipe(
    z.string().max(60, "APP_NAME must be at most 60 characters").regex(/^[^\r\n<>"]+$/, "APP_NAME must be plain text on one line").optional(),
  ),
  PORT: z.coerce.number().int().min(1).max(65535).optional().catch(undefined),
  SMTP_URL: optionalString.pipe(
    z.string().regex(/^smtps?:\/\/\S+$/, "SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587").optional(),
  ),
  MAIL_FROM: optionalString.pipe(
    z.string().regex(/^[^\r\n]*[^\s@<>]+@[^\s@<>]+[^\r\n]*$/, 'MAIL_FROM must be an address, e.g. "Herald <no-reply@partners.example.com>"').optional(),
  ),
  EMAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  EMAIL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(365),
  PORTAL_EMBED_ORIGINS: originList("PORTAL_EMBED_ORIGINS"),
  PORTAL_RETURN_ORIGINS: originList("PORTAL_RETURN_ORIGINS"),
});

function parseEnv() {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment configuration:\n${lines}\nSee .env.example for every variable.`);
  }
  return parsed.data;
}

const raw = parseEnv();

/**
 * WEBHOOK_ALLOW_PRIVATE_TARGETS: "true"/"1" lifts the private-address rules for every host; a comma-separated list
 * (e.g. "::1,localhost") lifts them only for those addresses and names; unset, "0" or "false" keeps them all.
 */
function parsePrivateTargets(value: string | undefined): PrivateTargets {
  if (!value || ["0", "false", "no"].includes(value.toLowerCase())) return false;
  if (["1", "true", "yes"].includes(value.toLowerCase())) return true;
  return value
    .split(",")
    .map((v) => v.trim().toLowerCase().replace(/^\[|\]$/g, ""))
    .filter(Boolean);
}
const isProduction = raw.NODE_ENV === "production";
const isBuild = raw.NEXT_PHASE === "phase-production-build";
const dataDir = path.resolve(/*turbopackIgnore: true*/ raw.DATA_DIR);

/**
 * In development a missing secret is generated once and kept under DATA_DIR, so sessions survive restarts
 * without any set-up. Production never does this: a secret that changes per machine would log everyone out.
 */
function resolveDevSecret(name: string, file: string, encoding: "base64url" | "base64" = "base64url"): string {
  const full = path.join(/*turbopackIgnore: true*/ dataDir, file);
  try {
    const existing = readFileSync(full, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // Not there yet: create it below.
  }
  const secret = randomBytes(32).toString(encoding);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(full, `${secret}\n`, { mode: 0o600 });
  process.stderr.write(`[herald] generated a development ${name} in ${full}\n`);
  return secret;
}

const authSecret = raw.AUTH_SECRET ?? (isProduction ? undefined : resolveDevSecret("AUTH_SECRET", "auth-secret"));
/** The development encryption key's file name under DATA_DIR (generated when APP_ENCRYPTION_KEY is unset). */
export const devEncryptionKeyFileName = "encryption-key";
const encryptionKey =
  raw.APP_ENCRYPTION_KEY ?? (isProduction ? undefined : resolveDevSecret("APP_ENCRYPTION_KEY", devEncryptionKeyFileName, "base64"));

/**
 * Email: without SMTP_URL nothing is sent (emails are kept in the database and their links logged in development).
 * Links in emails need an absolute URL: APP_URL, or this machine's dev server.
 */
function emailConfig() {
  const appUrl = (raw.APP_URL ?? `http://localhost:${raw.PORT ?? 3000}`).replace(/\/+$/, "");
  const appName = raw.APP_NAME ?? "Herald";
  return {
    appName,
    appUrl,
    /** Whether APP_URL was set (production should: otherwise links point at localhost). */
    appUrlConfigured: raw.APP_URL !== undefined,
    smtpUrl: raw.SMTP_URL,
    from: raw.MAIL_FROM ?? `${appName} <no-reply@${new URL(appUrl).hostname}>`,
    /** Base of the retry backoff: retry n waits base x 4^(n-1). */
    retryBaseMs: raw.EMAIL_RETRY_BASE_MS,
    /** Email rows (which hold their links) are purged after this many days. */
    retentionDays: raw.EMAIL_RETENTION_DAYS,
  };
}

export const env = {
  nodeEnv: raw.NODE_ENV,
  isProduction,
  isBuild,
  dataDir,
  databaseUrl: raw.DATABASE_URL,
  /** Where PGlite keeps its files when DATABASE_URL is unset; `memory://` keeps nothing. */
  pgliteDataDir:
    raw.PGLITE_DATA_DIR === "memory://"
      ? "memory://"
      : path.resolve(/*turbopackIgnore: true*/ raw.PGLITE_DATA_DIR ?? path.join(dataDir, "pglite")),
  databasePoolMax: raw.DATABASE_POOL_MAX,
  /**
   * Statements with parameters are prepared once per connection and reused (see db/index.ts); 0 turns that off for a
   * connection pooler in transaction mode that cannot keep prepared statements.
   */
  databasePreparedStatements: raw.DATABASE_PREPARED_STATEMENTS ?? true,
  /** Demo accounts are seeded into an empty database outside production, or anywhere SEED_DEMO=1 asks. */
  seedDemo: raw.SEED_DEMO ?? !isProduction,
  authSecret,
  github:
    raw.AUTH_GITHUB_ID && raw.AUTH_GITHUB_SECRET
      ? { clientId: raw.AUTH_GITHUB_ID, clientSecret: raw.AUTH_GITHUB_SECRET }
      : undefined,
  oidc:
    raw.AUTH_OIDC_ISSUER && raw.AUTH_OIDC_ID && raw.AUTH_OIDC_SECRET
      ? { issuer: raw.AUTH_OIDC_ISSUER, clientId: raw.AUTH_OIDC_ID, clientSecret: raw.AUTH_OIDC_SECRET, name: raw.AUTH_OIDC_NAME }
      : undefined,
  loginThrottle: {
    maxFailuresPerEmail: raw.LOGIN_MAX_FAILURES_PER_EMAIL,
    maxFailuresPerIp: raw.LOGIN_MAX_FAILURES_PER_IP,
    windowMinutes: raw.LOGIN_WINDOW_MINUTES,
  },
  /**
   * How many proxies in front of the app append to X-Forwarded-For; the client address is the entry that many from
   * the right. 0: the socket's peer, and X-Forwarded-For is ignored (the client wrote it). See lib/net/client-address.ts.
   */
  trustedProxyHops: raw.TRUSTED_PROXY_HOPS,
  logLevel: raw.LOG_LEVEL,
  /** base64 of the 32-byte AES-256-GCM key for secrets at rest; see lib/crypto.ts. */
  encryptionKey,
  /** Where encryptionKey came from when it is the generated development key; undefined: APP_ENCRYPTION_KEY. */
  encryptionKeyFile:
    raw.APP_ENCRYPTION_KEY || !encryptionKey ? undefined : path.join(/*turbopackIgnore: true*/ dataDir, devEncryptionKeyFileName),
  /** The key `npm run keys:rotate` re-encrypts the stored secrets with (NEW_APP_ENCRYPTION_KEY); unset elsewhere. */
  newEncryptionKey: raw.NEW_APP_ENCRYPTION_KEY,
  /** Names Herald's own headers: X-<brand>-Signature, X-<brand>-Event. */
  webhookBrand: raw.WEBHOOK_BRAND,
  /** The least plan that includes outbound webhooks; "none" offers them to every plan. */
  webhooksRequiredPlan: raw.WEBHOOKS_REQUIRED_PLAN,
  /** The least plan with the public API and API keys ("free": every plan). */
  apiRequiredPlan: raw.API_REQUIRED_PLAN,
  delivery: {
    /** Inngest when one of its variables is set; otherwise the embedded engine in the app's own database. */
    engine: (raw.INNGEST_DEV || raw.INNGEST_BASE_URL || raw.INNGEST_EVENT_KEY ? "inngest" : "embedded") as "inngest" | "embedded",
    retryBaseMs: raw.WEBHOOK_RETRY_BASE_MS,
    /** Local development and tests only: lets endpoints resolve to private and loopback addresses. */
    allowPrivateTargets: parsePrivateTargets(raw.WEBHOOK_ALLOW_PRIVATE_TARGETS),
    concurrency: raw.DELIVERY_CONCURRENCY,
    concurrencyPerEndpoint: raw.DELIVERY_CONCURRENCY_PER_ENDPOINT,
    /**
     * Runs of one organization in flight per process: three quarters of the process's slots unless set, so one
     * tenant's slow or stuck endpoints always leave room for the others.
     */
    concurrencyPerOrganization: Math.min(
      raw.DELIVERY_CONCURRENCY_PER_ORGANIZATION ?? Math.max(1, Math.floor((raw.DELIVERY_CONCURRENCY * 3) / 4)),
      raw.DELIVERY_CONCURRENCY,
    ),
    /** The longest one engine step (one delivery attempt with its bookkeeping) may run before it is abandoned. */
    stepTimeoutMs: raw.DELIVERY_STEP_TIMEOUT_MS,
    /** On SIGTERM/SIGINT, how long to let attempts in flight finish before handing their runs back and exiting. */
    drainMs: raw.DELIVERY_DRAIN_MS,
    /** Whether this process runs the embedded engine's worker loop (a web-only process can opt out). */
    worker: raw.DELIVERY_WORKER ?? true,
    pollMs: raw.DELIVERY_POLL_MS,
    /** How long a claimed run stays one process's; after a crash, another process takes it over after this. */
    leaseMs: raw.DELIVERY_LEASE_MS,
  },
  /** Delivery attempts older than this many days are purged (hourly). */
  logRetentionDays: raw.LOG_RETENTION_DAYS,
  partitionLockTimeoutMs: raw.PARTITION_LOCK_TIMEOUT_MS,
  /** Requests per second per API key (per app process); 0 turns the limit off. */
  apiRateLimitPerSecond: raw.API_RATE_LIMIT_PER_SECOND,
  /** How often the embedded scheduler looks for credentials past their expiration date. */
  credentialExpiryIntervalMs: raw.CREDENTIAL_EXPIRY_INTERVAL_MS,
  /**
   * Polling returns only items older than this: a transaction that started earlier but commits later than a newer
   * item can then not slip behind a poller's cursor.
   */
  pollSettleMs: raw.POLL_SETTLE_MS,
  /** The portal's public origin for links sent elsewhere (Stripe's return URLs); unset: taken from the request. */
  appUrl: raw.APP_URL?.replace(/\/+$/, ""),
  billing: {
    /** Verifies Stripe's calls to /api/webhooks/stripe; unset, that route answers 503. */
    webhookSecret: raw.STRIPE_WEBHOOK_SECRET,
    /** Enables Upgrade (Checkout) and Manage (customer portal) on the Billing page. */
    secretKey: raw.STRIPE_SECRET_KEY,
    /** Which plan each Stripe price id grants (STRIPE_PRICE_PLANS). */
    pricePlans: raw.STRIPE_PRICE_PLANS,
  },
  email: emailConfig(),
  /** Audit events older than this many days are purged (hourly); the only deletion the audit log allows. */
  auditRetentionDays: raw.AUDIT_RETENTION_DAYS,
  portal: {
    /** Origins that may show the portal in a frame (Content-Security-Policy frame-ancestors); empty: nobody. */
    embedOrigins: raw.PORTAL_EMBED_ORIGINS,
    /** Origins a magic link's returnUrl ("Back to <platform>") may point at; empty: a link carries no returnUrl. */
    returnOrigins: raw.PORTAL_RETURN_ORIGINS,
    /** The platform's name for "Back to <platform>" (APP_NAME); unset: the returnUrl's host names it. */
    platformName: raw.APP_NAME,
  },
} as const;

export type Env = typeof env;

/**
 * Called when the server starts (instrumentation.ts): a production server without its secrets stops here with a
 * message that says what to set, instead of failing on the first sign-in.
 */
export function assertRuntimeConfig(): void {
  if (!isProduction || isBuild) return;
  if (!env.authSecret) {
    throw new Error(
      "AUTH_SECRET is not set. Production needs a fixed secret of at least 32 characters to sign sessions: " +
        "generate one with `openssl rand -base64 32` and set AUTH_SECRET (see .env.example).",
    );
  }
  if (!env.encryptionKey) {
    throw new Error(
      "APP_ENCRYPTION_KEY is not set. Production needs a fixed 32-byte key, base64-encoded, to encrypt signing " +
        "secrets and header values at rest: generate one with `openssl rand -base64 32` (see .env.example). Keep it: " +
        "without it, stored secrets cannot be read.",
    );
  }
}
