import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

/**
 * Start-up refusals, on the production build: `next start` processes of their own (beside the suite's server, on
 * the next ports up), each on a PGlite folder of its own. A misconfigured server must exit with its message, not
 * stay up answering 500.
 */
const BASE_PORT = Number(process.env.E2E_PORT ?? 3100);

interface Outcome {
  /** The exit code; null when the server was still running (and answered /api/health with 200) and was stopped. */
  exitCode: number | null;
  output: string;
  /** Every /api/health status seen while it ran (0: no answer). */
  healthSeen: number[];
}

/** Starts `next start` with `env`, until it exits or its /api/health answers 200 (then it is stopped). */
async function startServer(
  port: number,
  env: Record<string, string> & { NODE_ENV: "production" | "development" },
  timeoutMs = 60_000,
): Promise<Outcome> {
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], {
    // Empty rather than absent, so that a developer's .env.local cannot fill them in.
    env: {
      PATH: process.env.PATH ?? "",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      SEED_DEMO: "0",
      DATABASE_URL: "",
      APP_ENCRYPTION_KEY: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  let exitCode: number | undefined;
  void exited.then((code) => (exitCode = code));
  const healthSeen: number[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    while (exitCode === undefined && Date.now() < deadline) {
      const status = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status, () => 0);
      healthSeen.push(status);
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    if (exitCode === undefined) {
      child.kill("SIGTERM");
      const stopped = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000, "timeout"))]);
      if (stopped === "timeout") child.kill("SIGKILL");
      await exited;
      return { exitCode: null, output, healthSeen };
    }
  }
  return { exitCode: exitCode!, output, healthSeen };
}

const AUTH_SECRET = "e2e-startup-secret-0123456789abcdefghijklmnop";
let dir: string;

test.beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "herald-startup-"));
});

test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test.describe("start-up refusals", () => {
  test.describe.configure({ timeout: 150_000 });

  test("a malformed APP_ENCRYPTION_KEY stops next start with the message, instead of serving 500", async () => {
    const outcome = await startServer(BASE_PORT + 1, {
      NODE_ENV: "production",
      AUTH_SECRET,
      APP_ENCRYPTION_KEY: "not-a-32-byte-key",
      PGLITE_DATA_DIR: path.join(dir, "pglite"),
    });
    expect(outcome.exitCode, outcome.output).toBe(1);
    expect(outcome.output).toContain("Herald could not start");
    expect(outcome.output).toContain("APP_ENCRYPTION_KEY must be 32 bytes, base64-encoded");
    expect(outcome.healthSeen.filter((status) => status !== 0)).toEqual([]);
  });

  test("production without APP_ENCRYPTION_KEY stops with what to set", async () => {
    const outcome = await startServer(BASE_PORT + 2, { NODE_ENV: "production", AUTH_SECRET, PGLITE_DATA_DIR: path.join(dir, "pglite") });
    expect(outcome.exitCode, outcome.output).toBe(1);
    expect(outcome.output).toContain("APP_ENCRYPTION_KEY is not set");
  });

  test("data written with the generated development key: production with a new key refuses, naming that key file", async () => {
    const pglite = path.join(dir, "pglite");
    const devDataDir = path.join(dir, "data");
    // Development: no APP_ENCRYPTION_KEY, so one is generated in DATA_DIR and recorded as the data's key.
    const development = await startServer(BASE_PORT + 3, { NODE_ENV: "development", DATA_DIR: devDataDir, PGLITE_DATA_DIR: pglite });
    expect(development.exitCode, development.output).toBeNull();

    // Then production, following the advice to generate a key: refused, with the file that holds the right one.
    const production = await startServer(BASE_PORT + 3, {
      NODE_ENV: "production",
      AUTH_SECRET,
      APP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      DATA_DIR: path.join(dir, "production"),
      PGLITE_DATA_DIR: pglite,
    });
    expect(production.exitCode, production.output).toBe(1);
    const keyFile = path.join(devDataDir, "encryption-key");
    expect(production.output).toContain("were encrypted with another key than APP_ENCRYPTION_KEY");
    expect(production.output).toContain(`They were written with the key in ${keyFile}`);
    expect(production.output).toContain("npm run keys:rotate");
    expect(production.healthSeen.filter((status) => status !== 0)).toEqual([]);
  });
});
