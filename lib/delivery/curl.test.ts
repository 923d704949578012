import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellVariableFor, toCurl } from "./curl";

/** Runs the command in bash with `curl` replaced by a function that prints each argument (NUL-separated). */
function argsOf(command: string, env: Record<string, string> = {}): { args: string[]; status: number; stderr: string } {
  try {
    const out = execFileSync("bash", ["--norc", "--noprofile", "-c", `curl() { printf '%s\\0' "$@"; }\n${command}`], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
      encoding: "buffer",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { args: out.toString("utf8").split("\0").slice(0, -1), status: 0, stderr: "" };
  } catch (error) {
    const e = error as { status: number; stderr: Buffer };
    return { args: [], status: e.status, stderr: e.stderr.toString("utf8") };
  }
}

describe("toCurl", () => {
  const body = `{"name":"Renée O'Brien","note":"a\\\\b"}`;
  const headers = { "content-type": "application/json", "X-API-Key": "sk••••••••", "webhook-id": "evt_1" };

  it("is ASCII only: masked secrets become variables, non-ASCII bytes become escapes", () => {
    const command = toCurl("https://h.example/x?a=1&b=2", headers, body);
    expect(command).toMatch(/^[\x0a\x20-\x7e]*$/);
    expect(command).not.toContain("•");
    expect(command).toContain('-H "X-API-Key: ${X_API_KEY:?set X_API_KEY to the X-API-Key header value}"');
    expect(command).toContain("# X-API-Key was stored masked: export X_API_KEY='<its value>' before running this.");
  });

  it("runs in bash with the exact URL, headers and body bytes (the signature still matches)", () => {
    const { args, status } = argsOf(toCurl("https://h.example/x?a=1&b=2", headers, body), { X_API_KEY: "sk_live_real" });
    expect(status).toBe(0);
    expect(args).toEqual([
      "-X",
      "POST",
      "https://h.example/x?a=1&b=2",
      "-H",
      "content-type: application/json",
      "-H",
      "X-API-Key: sk_live_real",
      "-H",
      "webhook-id: evt_1",
      "--data-raw",
      body,
    ]);
  });

  it("refuses to run until the secret's variable is set, and says which", () => {
    const { status, stderr } = argsOf(toCurl("https://h.example/x", headers, "{}"));
    expect(status).not.toBe(0);
    expect(stderr).toContain("set X_API_KEY to the X-API-Key header value");
  });

  it("keeps plain ASCII in POSIX single quotes", () => {
    expect(toCurl("https://h.example/x", { a: "b" }, `{"note":"it's"}`).split("\n").slice(1).join("\n")).toBe(
      ["curl -X POST 'https://h.example/x'", "  -H 'a: b'", `  --data-raw '{"note":"it'\\''s"}'`].join(" \\\n"),
    );
  });

  it("names variables after headers", () => {
    expect(shellVariableFor("X-API-Key")).toBe("X_API_KEY");
    expect(shellVariableFor("x-partner.token")).toBe("X_PARTNER_TOKEN");
    expect(shellVariableFor("1st")).toBe("H_1ST");
  });
});
