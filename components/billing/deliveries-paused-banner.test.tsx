import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { deliveryPause } from "@/lib/plans";
import { DeliveriesPausedBanner } from "./deliveries-paused-banner";

describe("DeliveriesPausedBanner", () => {
  it("says why deliveries wait, how many, and links to Billing, as a labelled status region", () => {
    const pause = deliveryPause({ plan: "enterprise", status: "past_due" }, "enterprise")!;
    const html = renderToStaticMarkup(<DeliveriesPausedBanner pause={pause} waiting={12} />);
    expect(html).toContain('role="status"');
    expect(html).toContain('aria-labelledby="deliveries-paused-title"');
    expect(html).toContain("Webhook deliveries are paused");
    expect(html).toContain("did not go through");
    expect(html).toContain("12 deliveries are waiting.");
    expect(html).toContain('href="/billing"');
  });

  it("leaves out the count when nothing waits yet, and the link where it would point at the page itself", () => {
    const pause = deliveryPause({ plan: "pro", status: "active" }, "enterprise")!;
    const html = renderToStaticMarkup(<DeliveriesPausedBanner pause={pause} waiting={0} showBillingLink={false} />);
    expect(html).toContain("your organization is on Pro");
    expect(html).not.toContain("waiting.");
    expect(html).not.toContain('href="/billing"');
  });
});
