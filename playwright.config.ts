import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { ensureTestCertificates } from "./testing/test-ca";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${PORT}`;
/** A second app, without SMTP_URL: the first-run command's email path (kept emails, Admin -> Emails). Ports +1..+3 are startup.spec's. */
const NO_SMTP_PORT = Number(process.env.E2E_NO_SMTP_PORT ?? PORT + 24);
/** The real SMTP server the main app sends through, and the HTTP port the specs read its messages from. */
const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? PORT + 25);
const SMTP_HTTP_PORT = Number(process.env.E2E_SMTP_HTTP_PORT ?? PORT + 26);
process.env.E2E_SMTP_HTTP_PORT = String(SMTP_HTTP_PORT);
/**
 * A third app with PORTAL_EMBED_ORIGINS and PORTAL_RETURN_ORIGINS naming a "platform" page on 127.0.0.1 (another
 * site than localhost), which e2e/portal-links.spec.ts serves itself on EMBED_FRAME_PORT to frame the portal.
 */
const EMBED_PORT = Number(process.env.E2E_EMBED_PORT ?? PORT + 30);
const EMBED_FRAME_PORT = Number(process.env.E2E_EMBED_FRAME_PORT ?? PORT + 31);
process.env.E2E_EMBED_URL = `http://localhost:${EMBED_PORT}`;
process.env.E2E_EMBED_FRAME_PORT = String(EMBED_FRAME_PORT);
process.env.E2E_NO_SMTP_URL = `http://localhost:${NO_SMTP_PORT}`;

/** Debian's chromium by default (Playwright cannot download browsers here); CHROMIUM_PATH overrides it. */
function chromiumPath(): string | undefined {
  const candidate = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * The e2e server's database: a fresh database beside DATABASE_URL's (created by scripts/e2e-prepare.ts), or a
 * fresh PGlite folder when DATABASE_URL is unset.
 */
function e2eDatabaseEnv(variant = ""): Record<string, string> {
  const base = process.env.DATABASE_URL;
  if (!base) return { PGLITE_DATA_DIR: `.data/e2e${variant ? `-${variant}` : ""}-pglite` };
  const url = new URL(base);
  url.pathname = `/${url.pathname.replace(/^\//, "") || "herald"}${variant ? `_${variant}` : ""}_e2e`;
  return { DATABASE_URL: url.toString() };
}

/** One `next start` of the production build on a fresh database (`npm run build` runs first in `npm test`). */
function appServer(port: number, env: Record<string, string>) {
  return {
    command: `npx tsx scripts/e2e-prepare.ts && npx next start -p ${port}`,
    url: `http://localhost:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      NODE_ENV: "production",
      AUTH_SECRET: "e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz",
      APP_ENCRYPTION_KEY: Buffer.alloc(32, 42).toString("base64"),
      SEED_DEMO: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      // Links in emails point at the server that sent them.
      APP_URL: `http://localhost:${port}`,
      ...env,
    },
  };
}

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  // Specs that walk a whole flow (create, edit, rotate, delete) make dozens of server round trips; on 2 busy cores
  // that passes 30 s without anything being wrong. In CI two workers, each with its own headless Chromium, share the
  // two cores with three app servers and PostgreSQL: a page that takes a second alone took 10 to 12 s there, so
  // every wait is doubled (a failing wait still fails, only later).
  timeout: process.env.CI ? 120_000 : 60_000,
  expect: { timeout: process.env.CI ? 20_000 : 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: [
    {
      // A real SMTP server on loopback; the specs read what it received over HTTP (e2e/mailbox.ts).
      command: "npx tsx testing/smtp-capture-server.ts",
      url: `http://127.0.0.1:${SMTP_HTTP_PORT}/health`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: { E2E_SMTP_PORT: String(SMTP_PORT), E2E_SMTP_HTTP_PORT: String(SMTP_HTTP_PORT) },
    },
    appServer(PORT, {
      ...e2eDatabaseEnv(),
      SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
      EMAIL_RETRY_BASE_MS: "200",
      // Send test event reaches the specs' HTTPS receiver on [::1] (trusted through the test CA), and only it:
      // every other private address stays refused, as the endpoint specs check.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "::1",
      NODE_EXTRA_CA_CERTS: ensureTestCertificates().caCertPath,
      WEBHOOK_RETRY_BASE_MS: "200",
      DELIVERY_POLL_MS: "100",
    }),
    // Also reaches the specs' receiver: e2e/logs-paging.spec.ts fills this app's platform organization (empty, and
    // touched by no other spec) with deliveries, so that its events reach no other spec's endpoints.
    appServer(NO_SMTP_PORT, {
      ...e2eDatabaseEnv("nosmtp"),
      DELIVERY_POLL_MS: "100",
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "::1",
      NODE_EXTRA_CA_CERTS: ensureTestCertificates().caCertPath,
    }),
    appServer(EMBED_PORT, {
      ...e2eDatabaseEnv("embed"),
      PORTAL_EMBED_ORIGINS: `http://127.0.0.1:${EMBED_FRAME_PORT}`,
      PORTAL_RETURN_ORIGINS: `http://127.0.0.1:${EMBED_FRAME_PORT}`,
      DELIVERY_POLL_MS: "100",
    }),
  ],
});
