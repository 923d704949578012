import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "herald-email-env-"));
  vi.resetModules();
  vi.stubEnv("DATA_DIR", dataDir);
  vi.stubEnv("NODE_ENV", "development");
  for (const name of ["SMTP_URL", "MAIL_FROM", "APP_NAME", "APP_URL", "PORT", "DATABASE_URL", "AUTH_SECRET"]) vi.stubEnv(name, "");
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dataDir, { recursive: true, force: true });
});

describe("email configuration (lib/env.ts)", () => {
  it("needs nothing on the first run: no SMTP, Herald, links to the local dev server", async () => {
    const { env } = await import("@/lib/env");
    expect(env.email).toMatchObject({ smtpUrl: undefined, appName: "Herald", appUrl: "http://localhost:3000", from: "Herald <no-reply@localhost>" });
  });

  it("builds links and the default From from APP_URL and APP_NAME", async () => {
    vi.stubEnv("APP_URL", "https://partners.example.com/");
    vi.stubEnv("APP_NAME", "Partner Hub");
    vi.stubEnv("SMTP_URL", "smtps://user:pa%40ss@mail.example.com:465");
    const { env } = await import("@/lib/env");
    expect(env.email).toMatchObject({
      appUrl: "https://partners.example.com",
      appName: "Partner Hub",
      smtpUrl: "smtps://user:pa%40ss@mail.example.com:465",
      from: "Partner Hub <no-reply@partners.example.com>",
    });
  });

  it.each([
    ["SMTP_URL", "http://mail.example.com", /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/],
    ["MAIL_FROM", "Herald", /MAIL_FROM must be an address/],
    ["MAIL_FROM", "Herald <a@b.example>\r\nBcc: x@y.example", /MAIL_FROM must be an address/],
    ["APP_NAME", "Herald\r\nBcc: x", /APP_NAME must be plain text on one line/],
    ["EMAIL_RETRY_BASE_MS", "0", /EMAIL_RETRY_BASE_MS/],
  ])("refuses %s=%j with a message naming it", async (name, value, message) => {
    vi.stubEnv(name, value);
    await expect(import("@/lib/env")).rejects.toThrow(message);
  });
});
