import { serve } from "inngest/next";
import { NextResponse } from "next/server";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { env } from "@/lib/env";
import { withBodyLimit } from "@/lib/read-body";

// The endpoint an Inngest server (Dev Server, self-hosted or Cloud) calls to run Herald's functions. With the
// embedded engine there is no Inngest server to call it, and the SDK would only answer with configuration errors.
const handlers = serve({ client: inngest, functions });

function notConfigured() {
  return NextResponse.json(
    { error: { code: "not_found", message: "Inngest is not configured here: deliveries run on the embedded engine." } },
    { status: 404 },
  );
}

export const GET = env.delivery.engine === "inngest" ? handlers.GET : notConfigured;
// Inngest sends a run's event and its finished steps' results (each capped by Inngest at a few MB); the limit bounds
// what an unauthenticated caller can make the process hold before the SDK checks the signature.
const MAX_INNGEST_BODY_BYTES = 32 * 1024 * 1024;

export const POST = env.delivery.engine === "inngest" ? withBodyLimit(handlers.POST, MAX_INNGEST_BODY_BYTES) : notConfigured;
export const PUT = env.delivery.engine === "inngest" ? withBodyLimit(handlers.PUT, MAX_INNGEST_BODY_BYTES) : notConfigured;
