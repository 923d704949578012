import { NextResponse } from "next/server";
import { pingDatabase } from "@/db";

export const dynamic = "force-dynamic";

/** Liveness and readiness in one: 200 when the database answers within 2 s, else 503. */
export async function GET() {
  const database = await pingDatabase(2_000);
  return NextResponse.json(
    { status: database ? "ok" : "degraded", database: database ? "ok" : "down" },
    { status: database ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
