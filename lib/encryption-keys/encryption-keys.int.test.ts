import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "@/db";
import { encryptionKeyCheck, organizations, webhookEndpoints } from "@/db/schema";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { env } from "@/lib/env";
import { newId } from "@/lib/ids";
import { EncryptionKeyMismatchError, keyCheckValue, verifyEncryptionKey } from "./check";
import { rotateEncryptionKey } from "./rotate";

/**
 * Each test gets a database of its own (a fresh PostgreSQL database beside DATABASE_URL's, or a PGlite folder):
 * the key check row is global to a database, and the other test files share theirs with a fixed key.
 */
interface Isolated {
  db: Db;
  /** What a child process needs to open the same database. */
  childEnv: Record<string, string>;
  close: () => Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
let tmp: string;

async function isolatedDatabase(): Promise<Isolated> {
  if (env.databaseUrl) {
    const name = `herald_keys_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    const admin = postgres(env.databaseUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(env.databaseUrl);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ migrate: true, databaseUrl: url.toString() });
    cleanups.push(async () => {
      await handle.close().catch(() => undefined);
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    });
    return { db: handle.db, childEnv: { DATABASE_URL: url.toString() }, close: handle.close };
  }
  const dir = path.join(tmp, `pglite-${cleanups.length}`);
  const handle = await openDatabase({ migrate: true, pgliteDataDir: dir });
  cleanups.push(() => handle.close().catch(() => undefined));
  return { db: handle.db, childEnv: { PGLITE_DATA_DIR: dir, DATABASE_URL: "" }, close: handle.close };
}

const keyA = randomBytes(32);
const keyB = randomBytes(32);

async function addEndpoint(db: Db, orgId: string, key: Buffer, options: { previous?: boolean; headers?: number } = {}) {
  const id = newId("ep");
  const secret = `whsec_${randomBytes(8).toString("hex")}`;
  const previous = options.previous ? `whsec_${randomBytes(8).toString("hex")}` : null;
  const headers = Array.from({ length: options.headers ?? 0 }, (_, i) => ({
    id: newId("hdr"),
    name: `X-Test-${i}`,
    value: `header-value-${i}-${randomBytes(4).toString("hex")}`,
  }));
  await db.insert(webhookEndpoints).values({
    id,
    organizationId: orgId,
    url: "https://hooks.example/receiver",
    secretEncrypted: encryptSecret(secret, key),
    previousSecretEncrypted: previous ? encryptSecret(previous, key) : null,
    headers: headers.map((h) => ({ id: h.id, name: h.name, valueEncrypted: encryptSecret(h.value, key) })),
  });
  return { id, secret, previous, headers };
}

async function addOrganization(db: Db): Promise<string> {
  const id = newId("org");
  await db.insert(organizations).values({ id, slug: `keys-${id.slice(-8).toLowerCase()}`, name: "Keys test" });
  return id;
}

beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "herald-keys-"));
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  await rm(tmp, { recursive: true, force: true });
});

afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe("encryption key check at start-up", () => {
  it("records the key at the first start and accepts it at the next", async () => {
    const { db } = await isolatedDatabase();
    expect(await verifyEncryptionKey(db, { key: keyA })).toBe("recorded");
    expect(await verifyEncryptionKey(db, { key: keyA })).toBe("verified");
    const [row] = await db.select().from(encryptionKeyCheck);
    // The check value, never the key.
    expect(row?.checkValue).toBe(keyCheckValue(keyA));
    expect(row?.checkValue).not.toContain(keyA.toString("base64url"));
    expect(row?.keyFile).toBeNull();
  });

  it("refuses another key, naming the development key file the data was written with", async () => {
    const { db } = await isolatedDatabase();
    const devKeyFile = path.join(tmp, "encryption-key");
    await writeFile(devKeyFile, `${keyA.toString("base64")}\n`);
    // Developed with the generated key...
    expect(await verifyEncryptionKey(db, { key: keyA, file: devKeyFile })).toBe("recorded");
    // ...then started in production with a newly generated APP_ENCRYPTION_KEY.
    const refusal = await verifyEncryptionKey(db, { key: keyB }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(EncryptionKeyMismatchError);
    const message = (refusal as Error).message;
    expect(message).toContain("another key than APP_ENCRYPTION_KEY");
    expect(message).toContain(`They were written with the key in ${devKeyFile}`);
    expect(message).toContain(`APP_ENCRYPTION_KEY="$(cat ${devKeyFile})"`);
    expect(message).toContain("npm run keys:rotate");

    // The file since regenerated (e.g. .data/ deleted): it is still named, as no longer holding the key.
    await writeFile(devKeyFile, `${randomBytes(32).toString("base64")}\n`);
    await expect(verifyEncryptionKey(db, { key: keyB })).rejects.toThrow(
      `written with the development key generated in ${devKeyFile}, which no longer holds it`,
    );
    // Data written with APP_ENCRYPTION_KEY: the variable is named.
    const other = await isolatedDatabase();
    await verifyEncryptionKey(other.db, { key: keyA });
    await expect(verifyEncryptionKey(other.db, { key: keyB, file: devKeyFile })).rejects.toThrow(
      /another key than the development key in .*encryption-key \(APP_ENCRYPTION_KEY is unset\).*written with the key APP_ENCRYPTION_KEY held/s,
    );
  });

  it("checks a database from before the key check on one of its stored secrets", async () => {
    const { db } = await isolatedDatabase();
    await addEndpoint(db, await addOrganization(db), keyA);
    await expect(verifyEncryptionKey(db, { key: keyB })).rejects.toBeInstanceOf(EncryptionKeyMismatchError);
    expect(await db.select().from(encryptionKeyCheck)).toHaveLength(0);
    expect(await verifyEncryptionKey(db, { key: keyA })).toBe("recorded");
  });
});

describe("key rotation", () => {
  it("re-encrypts every secret, previous secret and header value, in batches, and records the new key", async () => {
    const { db } = await isolatedDatabase();
    await verifyEncryptionKey(db, { key: keyA });
    const orgId = await addOrganization(db);
    const special = [
      await addEndpoint(db, orgId, keyA, { previous: true, headers: 3 }),
      await addEndpoint(db, orgId, keyA, { headers: 1 }),
    ];
    // More endpoints than one batch (500), so the keyset paging is exercised.
    await db.insert(webhookEndpoints).values(
      Array.from({ length: 510 }, (_, i) => ({
        id: `ep_bulk${String(i).padStart(6, "0")}`,
        organizationId: orgId,
        url: "https://hooks.example/bulk",
        secretEncrypted: encryptSecret(`whsec_bulk_${i}`, keyA),
      })),
    );

    const result = await rotateEncryptionKey(db, { key: keyA }, { key: keyB });
    expect(result.endpoints).toBe(512);
    expect(result.values).toBe(512 + 1 + 3 + 1);

    for (const expected of special) {
      const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, expected.id));
      expect(decryptSecret(row!.secretEncrypted, keyB)).toBe(expected.secret);
      expect(() => decryptSecret(row!.secretEncrypted, keyA)).toThrow();
      expect(row!.previousSecretEncrypted ? decryptSecret(row!.previousSecretEncrypted, keyB) : null).toBe(expected.previous);
      expect(row!.headers.map((h) => ({ name: h.name, value: decryptSecret(h.valueEncrypted, keyB) }))).toEqual(
        expected.headers.map((h) => ({ name: h.name, value: h.value })),
      );
    }
    const bulk = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.url, "https://hooks.example/bulk"));
    expect(bulk.every((row) => decryptSecret(row.secretEncrypted, keyB) === `whsec_bulk_${row.id.slice(7).replace(/^0+(?=\d)/, "")}`)).toBe(true);

    expect(await verifyEncryptionKey(db, { key: keyB })).toBe("verified");
    await expect(verifyEncryptionKey(db, { key: keyA })).rejects.toBeInstanceOf(EncryptionKeyMismatchError);
    const [row] = await db.select().from(encryptionKeyCheck);
    expect(row?.rotatedAt).toBeInstanceOf(Date);
  });

  it("changes nothing when one value does not decrypt, or when the current key is not the data's", async () => {
    const { db } = await isolatedDatabase();
    await verifyEncryptionKey(db, { key: keyA });
    const orgId = await addOrganization(db);
    const good = await addEndpoint(db, orgId, keyA, { headers: 1 });
    // One header value written under a third key (it cannot be read today either).
    const bad = await addEndpoint(db, orgId, keyA);
    await db
      .update(webhookEndpoints)
      .set({ headers: [{ id: newId("hdr"), name: "X-Broken", valueEncrypted: encryptSecret("x", randomBytes(32)) }] })
      .where(eq(webhookEndpoints.id, bad.id));

    await expect(rotateEncryptionKey(db, { key: keyA }, { key: keyB })).rejects.toThrow(
      `Endpoint ${bad.id}: its header X-Broken does not decrypt with the current key, so nothing was changed`,
    );
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, good.id));
    expect(decryptSecret(row!.secretEncrypted, keyA)).toBe(good.secret);
    expect(await verifyEncryptionKey(db, { key: keyA })).toBe("verified");

    await expect(rotateEncryptionKey(db, { key: keyB }, { key: randomBytes(32) })).rejects.toThrow(/Cannot rotate from this key/);
    await expect(rotateEncryptionKey(db, { key: keyA }, { key: keyA })).rejects.toThrow(/nothing to rotate/);
  });

  it("npm run keys:rotate re-encrypts the data of a stopped app with NEW_APP_ENCRYPTION_KEY", { timeout: 60_000 }, async () => {
    const isolated = await isolatedDatabase();
    await verifyEncryptionKey(isolated.db, { key: keyA });
    const endpoint = await addEndpoint(isolated.db, await addOrganization(isolated.db), keyA, { previous: true, headers: 2 });
    // The app is stopped: PGlite's folder may only be open in one process.
    await isolated.close();

    const run = (extra: Record<string, string>) =>
      spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/rotate-encryption-key.ts"], {
        env: { ...process.env, ...isolated.childEnv, LOG_LEVEL: "error", NODE_ENV: "production", ...extra },
        encoding: "utf8",
        timeout: 50_000,
      });
    const missing = run({ APP_ENCRYPTION_KEY: keyA.toString("base64"), NEW_APP_ENCRYPTION_KEY: "" });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("Set NEW_APP_ENCRYPTION_KEY to the new key");

    const done = run({ APP_ENCRYPTION_KEY: keyA.toString("base64"), NEW_APP_ENCRYPTION_KEY: keyB.toString("base64") });
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain("Re-encrypted 4 secret value(s) of 1 endpoint(s)");

    const again = run({ APP_ENCRYPTION_KEY: keyA.toString("base64"), NEW_APP_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("keys:rotate failed, nothing was changed: Cannot rotate from this key");

    const reopened = await openDatabase({
      migrate: false,
      ...(isolated.childEnv.DATABASE_URL ? { databaseUrl: isolated.childEnv.DATABASE_URL } : { pgliteDataDir: isolated.childEnv.PGLITE_DATA_DIR }),
    });
    cleanups.push(() => reopened.close().catch(() => undefined));
    const [row] = await reopened.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(decryptSecret(row!.secretEncrypted, keyB)).toBe(endpoint.secret);
    expect(decryptSecret(row!.previousSecretEncrypted!, keyB)).toBe(endpoint.previous);
    expect(row!.headers.map((h) => decryptSecret(h.valueEncrypted, keyB))).toEqual(endpoint.headers.map((h) => h.value));
    expect(await verifyEncryptionKey(reopened.db, { key: keyB })).toBe("verified");
  });
});
