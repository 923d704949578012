import { describe, expect, it } from "vitest";
import { EMAIL_TEMPLATES, EMAIL_TEMPLATE_NAMES } from "./index";
import { escapeHtml, validityText } from "./layout";

const brand = { appName: "Partner Hub", appUrl: "https://partners.example.com" };
const expiresAt = new Date(Date.now() + 7 * 86_400_000);
const link = "https://partners.example.com/x?token=abc&next=%2F";

const samples = {
  invitation: { organizationName: `Acme "<b>Verify</b>"`, inviterName: "Pat <script>", role: "owner", link, expiresAt },
  "password-reset": { name: "Robin", link, expiresAt },
  "email-change": { name: "Robin", oldEmail: "old@example.com", newEmail: "new@example.com", link, expiresAt },
  ...(() => {
    const alert = {
      organizationName: "Acme <Verify>",
      endpointName: "Prod <receiver>",
      endpointUrl: "https://hooks.acme.example/in",
      endpointLink: link,
      timeoutSeconds: 10,
      failingSince: "2026-11-22T10:15:00Z",
      failedAttempts: 7,
      failedDeliveries: 3,
      lastFailure: { at: "2026-11-22T10:20:00Z", status: 503, errorClass: "http_status" },
      exampleDeliveryLink: "https://partners.example.com/webhooks/logs/dlv_1",
      unsubscribeLink: "https://partners.example.com/unsubscribe?token=t.s",
      recipient: "owner",
    } as const;
    return {
      "endpoint-failing": alert,
      "endpoint-disabling-soon": { ...alert, disablesAt: "2026-11-25T10:15:00Z" },
      "endpoint-disabled": { ...alert, reason: "Disabled after 50 failed deliveries in a row.", recoverLink: link, recoverSince: "2026-11-22T10:15:00Z" },
      "endpoint-recovered": alert,
    } as const;
  })(),
} as const;

describe("email templates", () => {
  it.each(EMAIL_TEMPLATE_NAMES)("%s renders a subject, an HTML and a text part with the brand and the link", (name) => {
    const template = EMAIL_TEMPLATES[name];
    const rendered = (template.render as (d: unknown, b: typeof brand) => ReturnType<typeof template.render>)(template.schema.parse(samples[name]), brand);
    expect(rendered.subject).toContain("Partner Hub");
    expect(rendered.link).toBe(link);
    expect(rendered.text).toContain(link);
    expect(rendered.html).toContain(`href="${escapeHtml(link)}"`);
    expect(rendered.html).toContain("https://partners.example.com");
    expect(rendered.text).toContain("Partner Hub - https://partners.example.com");
  });

  it("escapes every value that reaches the HTML (names are the partner's input)", () => {
    const t = EMAIL_TEMPLATES.invitation;
    const { html, text } = t.render(t.schema.parse(samples.invitation), brand);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>Verify</b>");
    expect(html).toContain("Pat &lt;script&gt; invited you");
    expect(html).toContain("Acme &quot;&lt;b&gt;Verify&lt;/b&gt;&quot;");
    expect(text).toContain('Acme "<b>Verify</b>"');
    expect(text).toContain("as an owner");
  });

  it("refuses data that does not fit (a missing link, a link that is not http(s))", () => {
    expect(() => EMAIL_TEMPLATES["password-reset"].schema.parse({ expiresAt })).toThrow();
    expect(() => EMAIL_TEMPLATES.invitation.schema.parse({ ...samples.invitation, link: "javascript:alert(1)" })).toThrow();
  });

  it("says how long a link stays valid", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(validityText(new Date(now.getTime() + 30 * 60_000), now)).toBe("30 minutes");
    expect(validityText(new Date(now.getTime() + 7 * 86_400_000), now)).toBe("7 days");
    expect(validityText(new Date(now.getTime() + 24 * 3_600_000), now)).toBe("24 hours");
  });
});
