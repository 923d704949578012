import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { ACCOUNTS, expect, test } from "./fixtures";
import { LoginPage } from "./pages/login-page";

/**
 * Magic links and the embedded portal, against the app started with PORTAL_EMBED_ORIGINS and PORTAL_RETURN_ORIGINS
 * (playwright.config.ts: E2E_EMBED_URL), driven through the platform API with a platform key created in Admin ->
 * Platform API; framing refused against the main app, which has no PORTAL_EMBED_ORIGINS.
 */
const EMBED_URL = process.env.E2E_EMBED_URL ?? "http://localhost:3130";
const FRAME_PORT = Number(process.env.E2E_EMBED_FRAME_PORT ?? 3131);
/** The platform's own site: 127.0.0.1 is another site than localhost, so the portal in its frame is third-party. */
const PLATFORM_ORIGIN = `http://127.0.0.1:${FRAME_PORT}`;

const unique = () => Math.random().toString(36).slice(2, 10);

const keys = new Map<string, Promise<string>>();

/** A platform key for the app at `base`, created once per worker through Admin -> Platform API. */
function platformKey(browser: Browser, base: string): Promise<string> {
  let key = keys.get(base);
  if (!key) {
    key = (async () => {
      const context = await browser.newContext({ baseURL: base });
      const page = await context.newPage();
      const login = new LoginPage(page);
      await login.goto();
      await login.signIn(ACCOUNTS.admin.email, ACCOUNTS.admin.password);
      await expect(page).toHaveURL(/\/webhooks$/);
      await page.goto("/admin/platform-api");
      await page.getByRole("button", { name: "Create platform key" }).first().click();
      await page.getByLabel("Name").fill(`e2e magic links ${unique()}`);
      await page.getByRole("button", { name: "Create key" }).click();
      const value = (await page.getByTestId("new-platform-key").textContent())?.trim() ?? "";
      expect(value).toMatch(/^hk_platform_/);
      await context.close();
      return value;
    })();
    keys.set(base, key);
  }
  return key;
}

interface Platform {
  org: { id: string; name: string };
  link: (body?: Record<string, unknown>) => Promise<{ url: string; expiresAt: string }>;
  patch: (body: Record<string, unknown>) => Promise<void>;
}

/** A fresh enterprise organization made through the platform API, and a way to mint magic links into it. */
async function platformOrganization(request: APIRequestContext, browser: Browser, base = EMBED_URL): Promise<Platform> {
  const key = await platformKey(browser, base);
  const headers = { authorization: `Bearer ${key}` };
  const name = `Partner ${unique()}`;
  const created = await request.post(`${base}/api/platform/v1/organizations`, { headers, data: { name, externalId: `crm-${unique()}`, plan: "enterprise" } });
  expect(created.status(), await created.text()).toBe(201);
  const org = (await created.json()) as { id: string; name: string };
  return {
    org,
    link: async (body = {}) => {
      const reply = await request.post(`${base}/api/platform/v1/organizations/${org.id}/portal-sessions`, { headers, data: body });
      expect(reply.status(), await reply.text()).toBe(201);
      return (await reply.json()) as { url: string; expiresAt: string };
    },
    patch: async (body) => {
      const reply = await request.patch(`${base}/api/platform/v1/organizations/${org.id}`, { headers, data: body });
      expect(reply.status(), await reply.text()).toBe(200);
    },
  };
}

async function expectLinkState(page: Page, title: string, text: RegExp) {
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByTestId("portal-link-state")).toHaveText(text);
}

/** The platform's page: frames whatever URL it is given (?src=), as a platform's dashboard would frame the portal. */
async function startPlatformSite(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const src = new URL(req.url ?? "/", PLATFORM_ORIGIN).searchParams.get("src") ?? "about:blank";
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><title>Platform dashboard</title><h1>Platform dashboard</h1>
<iframe title="Webhooks portal" src="${src.replace(/"/g, "&quot;")}" style="width:1200px;height:900px;border:1px solid #ccc"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(FRAME_PORT, "127.0.0.1", resolve));
  expect((server.address() as AddressInfo).port).toBe(FRAME_PORT);
  return server;
}

test.describe("magic links", () => {
  test.use({ baseURL: EMBED_URL });

  test("opens once and lands on the organization's Webhooks: one organization, no Admin, Back to the platform; fetching the link uses nothing up", async ({ page, browser, request }) => {
    const platform = await platformOrganization(request, browser);
    const returnUrl = `${PLATFORM_ORIGIN}/dashboard/webhooks`;
    const { url, expiresAt } = await platform.link({ role: "owner", returnUrl });
    expect(url.startsWith(`${EMBED_URL}/portal/`)).toBe(true);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);

    // A link preview or a mail scanner fetches the link: it gets the page, nothing more.
    for (let i = 0; i < 2; i++) {
      const fetched = await request.get(url);
      expect(fetched.status()).toBe(200);
      expect(fetched.headers()["set-cookie"] ?? "").not.toContain("session-token");
    }

    await page.goto(url);
    await expect(page).toHaveURL(/\/webhooks$/);
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    const sidebar = page.getByRole("complementary");
    await expect(sidebar.getByTestId("current-org")).toHaveText(platform.org.name);
    // No switcher, no Admin, and the way back to the platform.
    await expect(page.getByTestId("org-switcher")).toHaveCount(0);
    await expect(page.getByRole("navigation", { name: "Main" }).first().getByRole("link", { name: "Admin", exact: true })).toHaveCount(0);
    const back = page.getByTestId("back-to-platform");
    await expect(back).toHaveText(`Back to 127.0.0.1:${FRAME_PORT}`);
    await expect(back).toHaveAttribute("href", returnUrl);
    for (const adminPath of ["/admin", "/admin/platform-api", "/admin/organizations"]) {
      await page.goto(adminPath);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    }

    // The same link again, in another browser: used.
    const other = await browser.newContext({ baseURL: EMBED_URL });
    const again = await other.newPage();
    await again.goto(url);
    await expectLinkState(again, "Link already used", /already used: each link opens the portal once/);
    await expect(again.getByRole("link", { name: `Back to 127.0.0.1:${FRAME_PORT}` })).toHaveAttribute("href", returnUrl);
    await again.goto("/webhooks");
    await expect(again).toHaveURL(/\/login/);
    await other.close();
  });

  test("an expired link, a deactivated organization's link and a made-up one say so and sign nobody in", async ({ page, browser, request }) => {
    const platform = await platformOrganization(request, browser);
    const short = await platform.link({ expiresInSeconds: 5 });
    const later = await platform.link();
    await page.waitForTimeout(Math.max(0, Date.parse(short.expiresAt) - Date.now()) + 500);
    await page.goto(short.url);
    await expectLinkState(page, "Link expired", /has expired/);

    await page.goto(`${EMBED_URL}/portal/${"x".repeat(43)}`);
    await expectLinkState(page, "Link not valid", /not valid/);

    await platform.patch({ active: false });
    await page.goto(later.url);
    await expectLinkState(page, "Organization not active", new RegExp(`${platform.org.name} is not active`));
    await page.goto("/webhooks");
    await expect(page).toHaveURL(/\/login/);
  });

  test("a link with an email makes that person a member just in time, and the session is theirs", async ({ page, browser, request }) => {
    const platform = await platformOrganization(request, browser);
    const email = `jit-${unique()}@partner.example`;
    const { url } = await platform.link({ email, role: "owner" });
    await page.goto(url);
    await expect(page).toHaveURL(/\/webhooks$/);
    await expect(page.getByTestId("current-user")).toContainText(email);
    await expect(page.getByTestId("back-to-platform")).toHaveCount(0);
    await page.goto("/settings/members");
    const row = page.getByRole("row").filter({ hasText: email });
    await expect(row).toBeVisible();
    await expect(row).toContainText(/owner/i);
    await page.goto("/settings/audit-log");
    await expect(page.getByRole("row").filter({ hasText: "Member added by a magic link" }).first()).toBeVisible();
  });
});

test.describe("the embedded portal", () => {
  // Both tests serve the platform's page on the one port PORTAL_EMBED_ORIGINS names.
  test.describe.configure({ mode: "serial" });

  test("a platform page on another site frames the portal through a magic link, with third-party cookies blocked, and a partner creates an endpoint inside the frame", async ({ request, browser, launchOptions, playwright }) => {
    const platform = await platformOrganization(request, browser);
    const server = await startPlatformSite();
    const profile = mkdtempSync(path.join(os.tmpdir(), "herald-embed-"));
    // Chromium told to treat third-party cookies as blocked (the phase-out test mode); the probes below check it.
    const context = await chromium.launchPersistentContext(profile, {
      ...launchOptions,
      args: [...(launchOptions.args ?? []), "--test-third-party-cookie-phaseout"],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const violations: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy|X-Frame-Options/i.test(m.text())) violations.push(m.text());
      });
      const returnUrl = `${PLATFORM_ORIGIN}/dashboard`;
      const { url } = await platform.link({ embedded: true, role: "owner", returnUrl });
      await page.goto(`${PLATFORM_ORIGIN}/?src=${encodeURIComponent(url)}`);
      const frame = page.frameLocator("iframe[title='Webhooks portal']");
      await expect(frame.getByTestId("embedded-portal")).toBeVisible();
      await expect(frame.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
      await expect(frame.getByTestId("current-org")).toHaveText(platform.org.name);
      // The embedded layout: no sidebar, no account menu, no switcher.
      await expect(frame.getByRole("navigation", { name: "Main" })).toHaveCount(0);
      await expect(frame.getByTestId("current-user")).toHaveCount(0);
      await expect(frame.getByTestId("back-to-platform")).toHaveAttribute("target", "_top");

      // Third-party cookies really are blocked here: an ordinary cookie set inside the frame is dropped, a
      // partitioned one is kept. The session lives in a partitioned cookie keyed to the platform's site.
      const portalFrame = page.frames().find((f) => f.url().startsWith(EMBED_URL));
      expect(portalFrame, "the portal's frame").toBeDefined();
      const probes = await portalFrame!.evaluate(() => {
        document.cookie = "probe_plain=1; SameSite=None; Secure; Path=/";
        document.cookie = "probe_partitioned=1; SameSite=None; Secure; Path=/; Partitioned";
        return document.cookie;
      });
      expect(probes).not.toContain("probe_plain=1");
      expect(probes).toContain("probe_partitioned=1");
      const session = (await context.cookies(EMBED_URL)).find((c) => c.name === "authjs.session-token");
      expect(session, "the portal's session cookie").toBeDefined();
      expect(session).toMatchObject({ sameSite: "None", secure: true, httpOnly: true });
      // Keyed to the platform's site (scheme and host, no port).
      expect((session as { partitionKey?: string }).partitionKey).toBe("http://127.0.0.1");

      // A partner creates an endpoint, all inside the frame; the platform's page stays where it is.
      const endpointUrl = `https://embedded-${unique()}.partner.example/hooks`;
      await frame.getByRole("link", { name: "Create Webhook" }).first().click();
      await expect(frame.getByRole("heading", { name: "Create Webhook", level: 1 })).toBeVisible();
      await frame.getByLabel("Endpoint URL").fill(endpointUrl);
      await frame.getByRole("button", { name: "Create Webhook" }).click();
      await expect(frame.getByTestId("endpoint-url")).toHaveText(endpointUrl);
      await frame.getByRole("link", { name: "Endpoints" }).click();
      await expect(frame.getByRole("row").filter({ hasText: endpointUrl })).toBeVisible();
      expect(page.url().startsWith(PLATFORM_ORIGIN)).toBe(true);
      await expect(page.getByRole("heading", { name: "Platform dashboard" })).toBeVisible();
      expect(violations).toEqual([]);

      // The endpoint is the organization's: the platform API lists it.
      const key = await platformKey(browser, EMBED_URL);
      // On a connection of its own: the test's request context sat idle through the browser's work above, longer than
      // the server keeps an idle connection open, and reusing it as the server closed it failed once (ECONNRESET).
      const api = await playwright.request.newContext();
      try {
        const listed = await api.get(`${EMBED_URL}/api/platform/v1/organizations/${platform.org.id}/endpoints`, { headers: { authorization: `Bearer ${key}` } });
        expect(JSON.stringify(await listed.json())).toContain(endpointUrl);
      } finally {
        await api.dispose();
      }
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("without PORTAL_EMBED_ORIGINS the portal refuses to be framed", async ({ browser, baseURL, request }) => {
    // The main app has no PORTAL_EMBED_ORIGINS: frame-ancestors 'none' and X-Frame-Options: DENY on its pages.
    const refused = await request.get(`${baseURL}/login`);
    expect(refused.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(refused.headers()["x-frame-options"]).toBe("DENY");
    // The embedding app names the platform's origin instead, and sends no X-Frame-Options.
    const allowed = await request.get(`${EMBED_URL}/login`);
    expect(allowed.headers()["content-security-policy"]).toContain(`frame-ancestors ${PLATFORM_ORIGIN}`);
    expect(allowed.headers()["x-frame-options"]).toBeUndefined();

    const server = await startPlatformSite();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // Control: the same platform page frames the embedding app's sign-in page.
      await page.goto(`${PLATFORM_ORIGIN}/?src=${encodeURIComponent(`${EMBED_URL}/login`)}`);
      await expect(page.frameLocator("iframe").getByRole("heading", { name: "Sign in to Herald" })).toBeVisible();
      const blocked = page.waitForEvent("console", (m) => /frame-ancestors|Refused to (display|frame)/i.test(m.text()));
      await page.goto(`${PLATFORM_ORIGIN}/?src=${encodeURIComponent(`${baseURL}/login`)}`);
      await blocked;
      await expect(page.getByRole("heading", { name: "Platform dashboard" })).toBeVisible();
      await expect(page.frameLocator("iframe").getByRole("heading", { name: "Sign in to Herald" })).toHaveCount(0);
    } finally {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
