import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions/deliver-webhook";

// The endpoint an Inngest server (Dev Server, self-hosted or Cloud) calls to run Herald's functions.
export const { GET, POST, PUT } = serve({ client: inngest, functions });
