import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { ensureTestCertificates } from "./testing/test-ca";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${PORT}`;

/** Debian's chromium by default (Playwright cannot download browsers here); CHROMIUM_PATH overrides it. */
function chromiumPath(): string | undefined {
  const candidate = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * The e2e server's database: a fresh database beside DATABASE_URL's (created by scripts/e2e-prepare.ts), or a
 * fresh PGlite folder when DATABASE_URL is unset.
 */
function e2eDatabaseEnv(): Record<string, string> {
  const base = process.env.DATABASE_URL;
  if (!base) return { PGLITE_DATA_DIR: ".data/e2e-pglite" };
  const url = new URL(base);
  url.pathname = `/${url.pathname.replace(/^\//, "") || "herald"}_e2e`;
  return { DATABASE_URL: url.toString() };
}

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 10_000 },
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
  webServer: {
    // Against the production build (`npm run build` runs first in `npm test`).
    command: `npx tsx scripts/e2e-prepare.ts && npx next start -p ${PORT}`,
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      ...e2eDatabaseEnv(),
      NODE_ENV: "production",
      AUTH_SECRET: "e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz",
      APP_ENCRYPTION_KEY: Buffer.alloc(32, 42).toString("base64"),
      SEED_DEMO: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      // Send test event reaches the specs' HTTPS receiver on [::1] (trusted through the test CA), and only it:
      // every other private address stays refused, as the endpoint specs check.
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "::1",
      NODE_EXTRA_CA_CERTS: ensureTestCertificates().caCertPath,
      WEBHOOK_RETRY_BASE_MS: "200",
      DELIVERY_POLL_MS: "100",
    },
  },
});
