/**
 * The Logs and endpoints-list screenshots (issue 16, items 9, 12 and 18), taken by `npm run screenshots` after the
 * others: Webhooks -> Logs and the endpoints list at 1280 px and 390 px, light and dark (the `dark` class on <html>),
 * the phone's Logs with its filters open, and a delivery's page in the same four ways.
 */
import type { Browser, Page } from "@playwright/test";

async function signIn(page: Page, baseURL: string) {
  await page.goto(`${baseURL}/login`);
  await page.getByLabel("Email").fill("partner@example.com");
  await page.getByLabel("Password").fill("partner-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/webhooks$/);
}

/** Light or dark as an explicit choice would set it: the class on <html>, and the system setting to match. */
async function setDark(page: Page, dark: boolean) {
  await page.emulateMedia({ colorScheme: dark ? "dark" : "light" });
  await page.evaluate((on) => {
    document.documentElement.classList.remove("light", "dark");
    document.documentElement.classList.add(on ? "dark" : "light");
  }, dark);
}

/** A few deliveries to show: test events to an endpoint whose host does not resolve (Failing, Retrying at …). */
async function prepare(browser: Browser, baseURL: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, baseURL);
  await page.goto(`${baseURL}/webhooks/new`);
  await page.getByLabel("Endpoint URL").fill("https://hooks.northwind.example/herald/credentials");
  await page.getByLabel("Description").fill("Credentials sync");
  await page.getByRole("button", { name: "Create Webhook" }).click();
  await page.waitForURL(/\/webhooks\/ep_/);
  for (let i = 0; i < 3; i += 1) {
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByTestId("test-event-result").waitFor();
    await page.waitForTimeout(1500);
  }
  await page.close();
}

export async function logsScreenshots(browser: Browser, baseURL: string, out: string) {
  await prepare(browser, baseURL);
  for (const [width, height, suffix] of [
    [1280, 800, ""],
    [390, 844, "-mobile"],
  ] as const) {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await signIn(page, baseURL);
    for (const dark of [false, true]) {
      const mode = dark ? "-dark" : "";
      await page.goto(`${baseURL}/webhooks`);
      await setDark(page, dark);
      await page.screenshot({ path: `${out}/webhooks${suffix}${mode}.png` });
      await page.goto(`${baseURL}/webhooks/logs?range=7d`);
      await page.getByTestId("logs-total").waitFor();
      await setDark(page, dark);
      await page.screenshot({ path: `${out}/logs${suffix}${mode}.png` });
      // The newest delivery's page: its endpoint, Retrying at, each attempt to the second.
      const open = width < 640 ? page.getByTestId("delivery-item").first() : page.getByRole("row").nth(1);
      await open.getByRole("link").first().click();
      await page.waitForURL(/\/logs\/dlv_/);
      await page.getByTestId("attempt").first().waitFor();
      await setDark(page, dark);
      await page.screenshot({ path: `${out}/delivery${suffix}${mode}.png` });
      await page.goto(`${baseURL}/webhooks/logs?range=7d`);
      await page.getByTestId("logs-total").waitFor();
      await setDark(page, dark);
      if (width < 640) {
        await page.getByRole("button", { name: /^Filters/ }).click();
        await page.screenshot({ path: `${out}/logs-filters${suffix}${mode}.png` });
        await page.goto(`${baseURL}/events`);
        await setDark(page, dark);
        await page.screenshot({ path: `${out}/events${suffix}${mode}.png` });
      }
    }
    await context.close();
  }
}
