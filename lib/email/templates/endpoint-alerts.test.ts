import { describe, expect, it } from "vitest";
import { describeFailure } from "@/lib/delivery/describe-failure";
import { EMAIL_TEMPLATES } from "./index";

const brand = { appName: "Partner Hub", appUrl: "https://partners.example.com" };
const alert = {
  organizationName: "Acme <Verify>",
  endpointName: `Prod "<script>alert(1)</script>"`,
  endpointUrl: "https://hooks.acme.example/in?a=1&b=2",
  endpointLink: "https://partners.example.com/webhooks/ep_1",
  timeoutSeconds: 10,
  failingSince: "2026-11-22T10:15:00Z",
  failedAttempts: 7,
  failedDeliveries: 41,
  lastFailure: { at: "2026-11-22T10:20:00Z", status: null, errorClass: "timeout" },
  exampleDeliveryLink: "https://partners.example.com/webhooks/logs/dlv_1",
  unsubscribeLink: "https://partners.example.com/unsubscribe?token=abc.def",
  recipient: "owner" as const,
};

describe("endpoint alert templates", () => {
  it("name the endpoint, the failures, an example delivery and what to check, escaping the partner's names", () => {
    const t = EMAIL_TEMPLATES["endpoint-failing"];
    const { subject, html, text } = t.render(t.schema.parse(alert), brand);
    expect(subject).toBe(`[Partner Hub] Webhook endpoint failing: Prod "<script>alert(1)</script>"`);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("Prod &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;");
    expect(html).toContain('href="https://partners.example.com/webhooks/ep_1"');
    expect(html).toContain("https://hooks.acme.example/in?a=1&amp;b=2");
    expect(text).toContain("no complete answer within the timeout (10 s)");
    expect(text).toContain("Failed attempts: 7");
    expect(text).toContain("Failed deliveries in a row: 41 of 50");
    expect(text).toContain("Example delivery: Open in Logs (https://partners.example.com/webhooks/logs/dlv_1)");
    expect(text).toContain("- The URL answers over HTTPS with a valid certificate");
    expect(text).toContain("within the endpoint's timeout (10 s)");
    expect(text).toContain("auth header");
    expect(text).toContain('Unsubscribe from "Endpoint failing" alerts: https://partners.example.com/unsubscribe?token=abc.def');
    expect(html).toContain('href="https://partners.example.com/unsubscribe?token=abc.def"');
    expect(text).toContain("you are an owner of Acme <Verify>");
  });

  it("the disabled alert's button switches on and redelivers what failed since the spell began", () => {
    const t = EMAIL_TEMPLATES["endpoint-disabled"];
    const recoverLink = "https://partners.example.com/webhooks/ep_1?recover=2026-11-22T10%3A15%3A00.000Z#recover";
    const rendered = t.render(
      t.schema.parse({ ...alert, reason: "Disabled after 50 failed deliveries in a row.", recoverLink, recoverSince: "2026-11-22T10:15:00Z", recipient: "alert_email" }),
      brand,
    );
    expect(rendered.link).toBe(recoverLink);
    expect(rendered.text).toContain(`Switch on and redeliver what failed since 22 Nov 2026, 10:15 UTC: ${recoverLink}`);
    expect(rendered.text).toContain("Disabled after 50 failed deliveries in a row.");
    expect(rendered.text).toContain("your address is in this endpoint's Alert emails");
  });

  it("the about-to-be-disabled alert says what is left: deliveries and time", () => {
    const t = EMAIL_TEMPLATES["endpoint-disabling-soon"];
    const { text } = t.render(t.schema.parse({ ...alert, disablesAt: "2026-11-25T10:15:00Z" }), brand);
    expect(text).toContain("will disable it after 9 more failed deliveries, or at 25 Nov 2026, 10:15 UTC (3 days of failures), whichever comes first");
  });

  it("refuses links that are not http(s)", () => {
    const t = EMAIL_TEMPLATES["endpoint-recovered"];
    expect(() => t.schema.parse({ ...alert, unsubscribeLink: "javascript:alert(1)" })).toThrow();
    expect(() => t.schema.parse({ ...alert, exampleDeliveryLink: "data:text/html,x" })).toThrow();
  });

  it("describes each failure class in words", () => {
    expect(describeFailure({ status: 503, errorClass: "http_status" }, 30)).toBe("HTTP 503");
    expect(describeFailure({ status: null, errorClass: "tls" }, 30)).toMatch(/^TLS error/);
    expect(describeFailure({ status: null, errorClass: "dns" }, 30)).toMatch(/^DNS error/);
    expect(describeFailure({ status: null, errorClass: "connection" }, 30)).toBe("connection refused or reset");
    expect(describeFailure(null, 30)).toBe("no answer recorded");
  });
});
