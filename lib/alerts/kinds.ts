import { ALERT_KINDS, type AlertKind } from "@/db/schema";
import type { EmailTemplateName } from "@/lib/email/templates";

export { ALERT_KINDS, type AlertKind };

/** Each alert kind: its name in Settings -> Notifications and in unsubscribe links, and the email it sends. */
export const ALERT_KIND_INFO: Record<AlertKind, { label: string; description: string; template: EmailTemplateName }> = {
  failing: {
    label: "Endpoint failing",
    description: "A healthy endpoint starts failing (at most one email per endpoint every 6 hours).",
    template: "endpoint-failing",
  },
  disabling_soon: {
    label: "Endpoint about to be disabled",
    description: "At 40 of the 50 failed deliveries in a row, or 12 hours before 3 days of failures.",
    template: "endpoint-disabling-soon",
  },
  disabled: {
    label: "Endpoint disabled",
    description: "Herald disabled an endpoint (410 Gone, 50 failed deliveries in a row, 3 days failing), with a one-click way back.",
    template: "endpoint-disabled",
  },
  recovered: {
    label: "Endpoint recovered",
    description: "A failing endpoint you were told about answers 2xx again.",
    template: "endpoint-recovered",
  },
};

export function isAlertKind(value: unknown): value is AlertKind {
  return typeof value === "string" && (ALERT_KINDS as readonly string[]).includes(value);
}
