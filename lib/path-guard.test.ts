import { describe, expect, it } from "vitest";
import { refuseUndecodablePath } from "./path-guard";

describe("refuseUndecodablePath", () => {
  it.each(["/api/v1/credentials/%ED%A0%80", "/api/v1/credentials/%E0%A4%A", "/api/v1/sessions/%FF/complete", "/api/v1/credentials/%"])(
    "answers %s with the API's JSON 400",
    async (path) => {
      const response = refuseUndecodablePath(path);
      expect(response?.status).toBe(400);
      expect(await response?.json()).toEqual({ error: { code: "invalid_path", message: expect.stringMatching(/percent-encoded UTF-8/) } });
    },
  );

  it("answers a page path with text", async () => {
    const response = refuseUndecodablePath("/webhooks/%C0%AF");
    expect(response?.status).toBe(400);
    expect(response?.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response?.text()).toMatch(/percent-encoded UTF-8/);
  });

  it.each(["/api/v1/sessions/ses_1", "/api/v1/sessions/a%20b", "/webhooks/ep_x%F0%9F%98%80", "/"])("lets %s through", (path) => {
    expect(refuseUndecodablePath(path)).toBeUndefined();
  });
});
