import postgres from "postgres";
import { ensureTestCertificates } from "../../testing/test-ca";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string | undefined;
  }
}

/**
 * Integration tests run on a fresh database each run: with DATABASE_URL set, a new database on that server
 * (dropped afterwards); without it, every test file gets its own in-memory PGlite (see integration-setup.ts).
 */
export default async function setup(project: TestProject) {
  // Node reads NODE_EXTRA_CA_CERTS once, at start: set here, before the test workers start, it makes them trust the
  // local HTTPS receivers' test CA exactly as a deployment would trust a private CA.
  process.env.NODE_EXTRA_CA_CERTS = ensureTestCertificates().caCertPath;
  const base = process.env.DATABASE_URL;
  if (!base) {
    project.provide("databaseUrl", undefined);
    return;
  }
  const name = `herald_it_${Date.now().toString(36)}_${process.pid}`;
  const admin = postgres(base, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  project.provide("databaseUrl", url.toString());
  console.log(`integration tests use a fresh PostgreSQL database: ${name}`);

  return async () => {
    const cleanup = postgres(base, { max: 1, onnotice: () => undefined });
    await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
    await cleanup.end();
  };
}
