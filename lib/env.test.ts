import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "herald-env-"));
  vi.resetModules();
  vi.stubEnv("DATA_DIR", dataDir);
  vi.stubEnv("AUTH_SECRET", "");
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("NEXT_PHASE", "");
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dataDir, { recursive: true, force: true });
});

describe("env", () => {
  it("generates a development AUTH_SECRET once and keeps it across restarts", async () => {
    vi.stubEnv("NODE_ENV", "development");
    const first = (await import("./env")).env.authSecret;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await readFile(path.join(dataDir, "auth-secret"), "utf8")).trim()).toBe(first);
    vi.resetModules();
    expect((await import("./env")).env.authSecret).toBe(first);
  });

  it("refuses to start in production without AUTH_SECRET, saying what to set", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const { env, assertRuntimeConfig } = await import("./env");
    expect(env.authSecret).toBeUndefined();
    expect(env.seedDemo).toBe(false);
    expect(() => assertRuntimeConfig()).toThrow(/AUTH_SECRET is not set.*openssl rand -base64 32/s);
  });

  it("lets the production build run without secrets (they are checked when the server starts)", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("NEXT_PHASE", "phase-production-build");
    const { assertRuntimeConfig } = await import("./env");
    expect(() => assertRuntimeConfig()).not.toThrow();
  });

  it("names each malformed variable", async () => {
    vi.stubEnv("DATABASE_URL", "mysql://nope");
    vi.stubEnv("AUTH_SECRET", "short");
    vi.stubEnv("LOG_LEVEL", "loud");
    await expect(import("./env")).rejects.toThrow(
      /DATABASE_URL: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL[\s\S]*AUTH_SECRET: AUTH_SECRET must be at least 32 characters[\s\S]*LOG_LEVEL/,
    );
  });

  it("seeds demo data outside production unless told otherwise, and in production when asked", async () => {
    vi.stubEnv("NODE_ENV", "development");
    vi.stubEnv("SEED_DEMO", "0");
    expect((await import("./env")).env.seedDemo).toBe(false);
    vi.resetModules();
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("SEED_DEMO", "1");
    vi.stubEnv("AUTH_SECRET", "x".repeat(32));
    expect((await import("./env")).env.seedDemo).toBe(true);
  });
});

describe("env: encryption key", () => {
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "herald-env-"));
    vi.resetModules();
    vi.stubEnv("DATA_DIR", dataDir);
    vi.stubEnv("APP_ENCRYPTION_KEY", "");
    vi.stubEnv("NEXT_PHASE", "");
  });

  it("generates a 32-byte development key once", async () => {
    vi.stubEnv("NODE_ENV", "development");
    const key = (await import("./env")).env.encryptionKey;
    expect(Buffer.from(key!, "base64")).toHaveLength(32);
    vi.resetModules();
    expect((await import("./env")).env.encryptionKey).toBe(key);
  });

  it("refuses to start in production without it", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AUTH_SECRET", "x".repeat(32));
    const { assertRuntimeConfig } = await import("./env");
    expect(() => assertRuntimeConfig()).toThrow(/APP_ENCRYPTION_KEY is not set/);
  });

  it("refuses a key that is not 32 bytes", async () => {
    vi.stubEnv("APP_ENCRYPTION_KEY", Buffer.alloc(16).toString("base64"));
    await expect(import("./env")).rejects.toThrow(/APP_ENCRYPTION_KEY must be 32 bytes/);
  });
});

describe("TRUSTED_PROXY_HOPS", () => {
  it("defaults to 0: the connection's own address", async () => {
    vi.stubEnv("TRUSTED_PROXY_HOPS", undefined);
    expect((await import("./env")).env.trustedProxyHops).toBe(0);
  });

  it("takes a count of proxies", async () => {
    vi.stubEnv("TRUSTED_PROXY_HOPS", "2");
    expect((await import("./env")).env.trustedProxyHops).toBe(2);
  });

  it("refuses what is not a small whole number, naming the variable", async () => {
    for (const bad of ["-1", "1.5", "eleven", "11"]) {
      vi.resetModules();
      vi.stubEnv("TRUSTED_PROXY_HOPS", bad);
      await expect(import("./env")).rejects.toThrow(/TRUSTED_PROXY_HOPS/);
    }
  });
});
