import { z } from "zod";
import { describeFailure } from "@/lib/delivery/describe-failure";
import { renderLayout, utcText, type EmailBrand, type EmailContent } from "./layout";
import { defineEmailTemplate } from "./types";

/**
 * The four partner alerts about an endpoint: failing, about to be disabled, disabled, recovered. Each names the
 * endpoint, the failures (count, the last answer or error class, an example delivery) and what to check; the disabled
 * alert's button opens the endpoint with "Switch on and redeliver what failed since <time>" ready. Every alert carries a
 * one-click unsubscribe for its kind (the link here, and List-Unsubscribe headers set by lib/alerts).
 */

const link = z.url({ protocol: /^https?$/ });

const alertData = z.object({
  organizationName: z.string().min(1),
  /** The endpoint's description, or its host when it has none. */
  endpointName: z.string().min(1),
  endpointUrl: z.string().min(1),
  /** The endpoint's page in the portal. */
  endpointLink: link,
  timeoutSeconds: z.number().int().min(1),
  failingSince: z.coerce.date().nullable(),
  failedAttempts: z.number().int().min(0),
  failedDeliveries: z.number().int().min(0),
  lastFailure: z
    .object({ at: z.coerce.date(), status: z.number().int().nullable(), errorClass: z.string().nullable() })
    .nullable(),
  /** A failed delivery to look at in Logs (the latest). */
  exampleDeliveryLink: link.nullable(),
  unsubscribeLink: link,
  /** Why the recipient gets it: an owner of the organization, or an address on the endpoint's Alert emails. */
  recipient: z.enum(["owner", "alert_email"]),
});

function checklist(timeoutSeconds: number): EmailContent["checklist"] {
  return {
    title: "What to check",
    items: [
      "The URL answers over HTTPS with a valid certificate (from a public CA, not expired, for that host name).",
      `Your handler answers 2xx within the endpoint's timeout (${timeoutSeconds} s): acknowledge first, do the work afterwards.`,
      "Your server accepts the auth header set on the endpoint (its custom headers), and verifies signatures with the current signing secret.",
    ],
  };
}

type AlertData = z.output<typeof alertData>;

function details(data: AlertData, extra: { label: string; value: string; url?: string }[] = []): NonNullable<EmailContent["details"]> {
  return [
    { label: "Endpoint", value: data.endpointName === data.endpointUrl ? data.endpointUrl : `${data.endpointName} (${data.endpointUrl})`, url: data.endpointLink },
    ...(data.failingSince ? [{ label: "Failing since", value: utcText(data.failingSince) }] : []),
    { label: "Failed attempts", value: String(data.failedAttempts) },
    { label: "Failed deliveries in a row", value: `${data.failedDeliveries} of 50` },
    ...(data.lastFailure
      ? [{ label: "Last answer", value: `${describeFailure(data.lastFailure, data.timeoutSeconds)} at ${utcText(data.lastFailure.at)}` }]
      : []),
    ...(data.exampleDeliveryLink ? [{ label: "Example delivery", value: "Open in Logs", url: data.exampleDeliveryLink }] : []),
    ...extra,
  ];
}

function footnotes(data: AlertData, kindLabel: string): string[] {
  return [
    data.recipient === "owner"
      ? `You get this because you are an owner of ${data.organizationName}. Choose which alerts you get under Settings -> Notifications.`
      : `You get this because your address is in this endpoint's Alert emails (${data.organizationName}).`,
    `To stop getting "${kindLabel}" alerts, use the unsubscribe link below.`,
  ];
}

const unsubscribe = (data: AlertData, kindLabel: string) => ({ label: `Unsubscribe from "${kindLabel}" alerts`, url: data.unsubscribeLink });

const subjectName = (data: AlertData) => data.endpointName;

export const endpointFailingTemplate = defineEmailTemplate({
  schema: alertData,
  render(data, brand: EmailBrand) {
    const label = "Endpoint failing";
    return renderLayout(brand, {
      subject: `[${brand.appName}] Webhook endpoint failing: ${subjectName(data)}`,
      preheader: `Deliveries to ${data.endpointUrl} are failing: ${describeFailure(data.lastFailure, data.timeoutSeconds)}.`,
      heading: "Your webhook endpoint is failing",
      paragraphs: [
        `Deliveries from ${brand.appName} to ${data.endpointUrl} (${data.organizationName}) are failing: ${describeFailure(data.lastFailure, data.timeoutSeconds)}.`,
        `${brand.appName} keeps retrying each delivery with backoff. If the endpoint keeps failing, it is disabled after 50 failed deliveries in a row or 3 days without a success; you will be told before that happens.`,
      ],
      details: details(data),
      checklist: checklist(data.timeoutSeconds),
      action: { label: "Open the endpoint", url: data.endpointLink },
      footnotes: footnotes(data, label),
      unsubscribe: unsubscribe(data, label),
    });
  },
});

export const endpointDisablingSoonTemplate = defineEmailTemplate({
  schema: alertData.extend({
    /** When the 3-day limit is reached, if the endpoint keeps failing. */
    disablesAt: z.coerce.date().nullable(),
  }),
  render(data, brand: EmailBrand) {
    const label = "Endpoint about to be disabled";
    const left = Math.max(0, 50 - data.failedDeliveries);
    const when = [
      `after ${left} more failed ${left === 1 ? "delivery" : "deliveries"}`,
      ...(data.disablesAt ? [`at ${utcText(data.disablesAt)} (3 days of failures)`] : []),
    ].join(", or ");
    return renderLayout(brand, {
      subject: `[${brand.appName}] Webhook endpoint about to be disabled: ${subjectName(data)}`,
      preheader: `${data.endpointUrl} will be disabled ${when}, whichever comes first.`,
      heading: "Your webhook endpoint is about to be disabled",
      paragraphs: [
        `Deliveries from ${brand.appName} to ${data.endpointUrl} (${data.organizationName}) keep failing: ${describeFailure(data.lastFailure, data.timeoutSeconds)}.`,
        `${brand.appName} will disable it ${when}, whichever comes first. Once disabled, nothing more is sent until someone switches it on again.`,
      ],
      details: details(data, data.disablesAt ? [{ label: "Disabled at the latest", value: utcText(data.disablesAt) }] : []),
      checklist: checklist(data.timeoutSeconds),
      action: { label: "Open the endpoint", url: data.endpointLink },
      footnotes: footnotes(data, label),
      unsubscribe: unsubscribe(data, label),
    });
  },
});

export const endpointDisabledTemplate = defineEmailTemplate({
  schema: alertData.extend({
    reason: z.string().min(1),
    /** Opens the endpoint with "Switch on and redeliver what failed since <time>" ready. */
    recoverLink: link,
    recoverSince: z.coerce.date(),
  }),
  render(data, brand: EmailBrand) {
    const label = "Endpoint disabled";
    return renderLayout(brand, {
      subject: `[${brand.appName}] Webhook endpoint disabled: ${subjectName(data)}`,
      preheader: `${data.endpointUrl} was disabled: ${data.reason}`,
      heading: "Your webhook endpoint was disabled",
      paragraphs: [
        `${brand.appName} stopped sending to ${data.endpointUrl} (${data.organizationName}). ${data.reason}`,
        `Nothing is lost: the events since then are kept. Once the endpoint answers again, switch it on and redeliver what failed since ${utcText(data.recoverSince)} with one click on its page.`,
      ],
      details: details(data, [{ label: "Reason", value: data.reason }]),
      checklist: checklist(data.timeoutSeconds),
      action: { label: `Switch on and redeliver what failed since ${utcText(data.recoverSince)}`, url: data.recoverLink },
      footnotes: footnotes(data, label),
      unsubscribe: unsubscribe(data, label),
    });
  },
});

export const endpointRecoveredTemplate = defineEmailTemplate({
  schema: alertData,
  render(data, brand: EmailBrand) {
    const label = "Endpoint recovered";
    return renderLayout(brand, {
      subject: `[${brand.appName}] Webhook endpoint recovered: ${subjectName(data)}`,
      preheader: `${data.endpointUrl} answers 2xx again.`,
      heading: "Your webhook endpoint recovered",
      paragraphs: [
        `${data.endpointUrl} (${data.organizationName}) answers 2xx again${data.failingSince ? ` after failing since ${utcText(data.failingSince)}` : ""}. Deliveries waiting for a retry go out on their schedule.`,
        "Deliveries that failed for good while it was failing are not sent again by themselves: redeliver them from the endpoint's page (Redeliver failed since) if you need them.",
      ],
      details: details(data),
      action: { label: "Open the endpoint", url: data.endpointLink },
      footnotes: footnotes(data, label),
      unsubscribe: unsubscribe(data, label),
    });
  },
});
