import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createIsolatedDatabase } from "@/testing/isolated-database";

// The timeout under test, whatever the integration set-up gives the files that share a database (there, another
// file's slow statement must not make a partition change in a test give up).
const LOCK_TIMEOUT_MS = vi.hoisted(() => {
  process.env.PARTITION_LOCK_TIMEOUT_MS = "500";
  return 500;
});

// A database of its own: this file holds delivery_attempts on purpose, which must not hold back another file's.
const database = await createIsolatedDatabase("partitionlocks");

const { default: postgres } = await import("postgres");
const { closeDb, getDb } = await import("@/db");
const { deliveries, deliveryAttempts, events, webhookEndpoints } = await import("@/db/schema");
const { encryptSecret } = await import("@/lib/crypto");
const { prepareDatabase } = await import("@/lib/startup");
const { createTestOrganization } = await import("@/testing/organization");
const { ensureAttemptPartitions, listAttemptPartitions, purgeAttemptPartitions } = await import("./partitions");

const DAY = 24 * 60 * 60 * 1000;
const dayName = (at: Date) => `delivery_attempts_p${at.toISOString().slice(0, 10).replaceAll("-", "")}`;
let orgId = "";

beforeAll(async () => {
  await prepareDatabase();
  orgId = (await createTestOrganization("partition locks")).org.id;
});

afterAll(async () => {
  await closeDb();
  await database.drop();
});

/**
 * Creating or dropping a day partition takes an ACCESS EXCLUSIVE lock on delivery_attempts. While such a change waits
 * for its lock, every recording of an attempt queues behind it. Two connections at once: PostgreSQL only.
 */
describe.skipIf(!process.env.DATABASE_URL)("partition maintenance beside a long reader of delivery_attempts", () => {
  it("waits at most its lock timeout and gives up, so recordings never queue behind it for long; the next run makes the change", async () => {
    const db = await getDb();
    const now = Date.now();
    const oldDay = new Date(now - 90 * DAY);
    const farDay = new Date(now + 300 * DAY);
    await ensureAttemptPartitions(db, { now: oldDay, from: oldDay, daysAhead: 0 });
    const endpointId = "ep_partition_locks_00000";
    await db.insert(webhookEndpoints).values({ id: endpointId, organizationId: orgId, url: "https://p.example/", secretEncrypted: encryptSecret("whsec_x") });
    await db.insert(events).values({ id: "evt_partition_locks", organizationId: orgId, type: "credential.issued", data: {} });
    await db.insert(deliveries).values({ id: "dlv_partition_locks", organizationId: orgId, eventId: "evt_partition_locks", endpointId });

    // A long reader of delivery_attempts (a Logs query, say) on a connection of its own, holding its lock until told.
    const reader = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined });
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let reading = () => {};
    const read = new Promise<void>((resolve) => (reading = resolve));
    const held = reader.begin(async (tx) => {
      await tx`select count(*) from delivery_attempts`;
      reading();
      await finished;
    });
    try {
      await read;
      const started = Date.now();
      const recording = (async () => {
        // A recording while the partition changes wait for their lock: it queues behind them only that long.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const at = Date.now();
        await db.insert(deliveryAttempts).values({
          deliveryId: "dlv_partition_locks",
          organizationId: orgId,
          endpointId,
          attemptNumber: 1,
          startedAt: new Date(),
          durationMs: 5,
          requestUrl: "https://p.example/",
          requestHeaders: {},
          succeeded: true,
        });
        return Date.now() - at;
      })();
      const [purged, created, recordedMs] = await Promise.all([
        purgeAttemptPartitions(db, new Date(now - 60 * DAY)),
        ensureAttemptPartitions(db, { now: farDay, from: farDay, daysAhead: 0 }),
        recording,
      ]);
      const elapsed = Date.now() - started;
      // Both gave up (each waited its timeout, one after the other under their shared advisory lock) and changed nothing.
      expect(purged.partitions).toEqual([]);
      expect(created).toEqual([]);
      const names = (await listAttemptPartitions(db)).map((p) => p.name);
      expect(names).toContain(dayName(oldDay));
      expect(names).not.toContain(dayName(farDay));
      // The reader still holds the table: without the timeout both changes, and the recording, would wait for it.
      expect(elapsed).toBeLessThan(2 * LOCK_TIMEOUT_MS + 2_000);
      expect(recordedMs).toBeLessThan(2 * LOCK_TIMEOUT_MS + 1_500);
    } finally {
      finish();
      await held;
      await reader.end();
    }
    // Once the reader is done, the next run makes both changes.
    expect((await purgeAttemptPartitions(db, new Date(now - 60 * DAY))).partitions).toContain(dayName(oldDay));
    expect(await ensureAttemptPartitions(db, { now: farDay, from: farDay, daysAhead: 0 })).toContain(dayName(farDay));
  });
});
