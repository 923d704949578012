import { expect, test } from "./fixtures";
import { AdminPage, BillingPage } from "./pages/billing-page";

// The e2e server runs without STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET: these specs see "not configured" and
// never reach Stripe. What Stripe's events do is covered by the integration tests with signed payloads.
test.describe("billing page", () => {
  test("an Enterprise organization sees its plan, webhooks included, and that online billing is not configured", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    await shell.link("Billing").click();
    const billing = new BillingPage(page);
    await billing.expectPlan("Enterprise");
    await expect(billing.subscription).toContainText("No subscription");
    await expect(billing.subscription).toContainText("Included");
    await expect(billing.plan("enterprise")).toContainText("Current plan");
    await expect(billing.plan("enterprise")).toContainText("Outbound webhooks");
    await expect(billing.plan("free")).toContainText("Outbound webhooks not included");
    await expect(billing.notConfigured).toContainText("Online billing is not configured");
    await expect(page.getByRole("button", { name: /Upgrade to/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Manage billing" })).toHaveCount(0);
    await expect(billing.pausedBanner).toHaveCount(0);
  });

  test("a free organization sees that webhooks are part of Enterprise, with no Upgrade while billing is not configured", async ({ page, signInAs }) => {
    await signInAs("other");
    const billing = new BillingPage(page);
    await billing.goto();
    await billing.expectPlan("Free");
    await expect(billing.subscription).toContainText("Not included (part of Enterprise)");
    await expect(billing.plan("free")).toContainText("Current plan");
    await expect(billing.plan("enterprise")).not.toContainText("Current plan");
    await expect(billing.notConfigured).toBeVisible();
    await expect(page.getByRole("button", { name: /Upgrade to/ })).toHaveCount(0);
    // Nothing to pause: a free organization never had deliveries to hold back.
    await expect(billing.pausedBanner).toHaveCount(0);
  });
});

test.describe("billing in the admin section", () => {
  test("admins see the Stripe configuration and events page", async ({ page, signInAs }) => {
    await signInAs("admin");
    const admin = new AdminPage(page);
    await admin.goto();
    await page.getByRole("link", { name: "Stripe events" }).click();
    await expect(page.getByRole("heading", { name: "Stripe events", level: 1 })).toBeVisible();
    await expect(page.getByTestId("stripe-webhook-configured")).toContainText("Not set");
    await expect(page.getByText("No Stripe events yet")).toBeVisible();
  });

  test("an admin sets a plan by hand: recorded with who and when, and shown on the organization's Billing page", async ({ page, signInAs }) => {
    // The admin's own organization: no other spec depends on its plan (it has no endpoints, so there is nothing to
    // pause; pausing is covered by the integration tests in lib/billing).
    await signInAs("admin");
    const admin = new AdminPage(page);
    await admin.goto();
    const row = admin.row("Herald Platform");
    await expect(row).toContainText("Enterprise");

    // Cancel changes nothing.
    await page.getByRole("button", { name: "Set plan of Herald Platform" }).click();
    await page.getByRole("dialog").getByLabel("Plan").click();
    await page.getByRole("option", { name: "Pro", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("dialog")).toBeHidden();
    await expect(row).toContainText("Enterprise");
    await expect(row).not.toContainText("Pro");

    await admin.setPlan("Herald Platform", "Pro");
    await expect(page.getByTestId("toast").filter({ hasText: "Herald Platform is now on Pro." })).toBeVisible();
    await expect(row).toContainText("Pro");
    await expect(row.getByTestId("plan-source")).toContainText("admin@example.com");

    const billing = new BillingPage(page);
    await billing.goto();
    await billing.expectPlan("Pro");
    await expect(billing.subscription).toContainText("Active");
    await expect(billing.subscription).toContainText("The platform team (admin@example.com");
    await expect(billing.subscription).toContainText("Not included (part of Enterprise)");
    await expect(billing.plan("pro")).toContainText("Current plan");

    await admin.goto();
    await admin.setPlan("Herald Platform", "Enterprise");
    await expect(admin.row("Herald Platform")).toContainText("Enterprise");
    await billing.goto();
    await billing.expectPlan("Enterprise");
    await expect(billing.subscription).toContainText("Included");
  });
});
