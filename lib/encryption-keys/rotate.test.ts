import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import * as schema from "@/db/schema";
import { ROTATED_COLUMNS } from "./rotate";

describe("key rotation coverage", () => {
  it("rotates every column that holds encrypted values", () => {
    const encrypted = (Object.values(schema) as unknown[])
      .filter((value): value is PgTable => is(value, PgTable))
      .flatMap((table) => {
        const config = getTableConfig(table);
        return config.columns.filter((c) => /encrypted/i.test(c.name)).map((c) => `${config.name}.${c.name}`);
      });
    expect(encrypted.length).toBeGreaterThan(0);
    // A new encrypted column left out of the rotation would be unreadable after `npm run keys:rotate`.
    for (const column of encrypted) expect(ROTATED_COLUMNS).toContain(column);
  });
});
