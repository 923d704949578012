import { describe, expect, it } from "vitest";
import { classifyError } from "./send-attempt";

const err = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("classifyError", () => {
  it.each([
    [err("ENOTFOUND", "getaddrinfo ENOTFOUND hooks.example"), "dns"],
    [err("EAI_AGAIN"), "dns"],
    [err("ECONNREFUSED"), "connection"],
    [err("ECONNRESET"), "connection"],
    [new Error("socket hang up"), "connection"],
    [err("EHOSTUNREACH"), "connection"],
    [err("CERT_HAS_EXPIRED", "certificate has expired"), "tls"],
    [err("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"), "tls"],
    [err("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), "tls"],
    [err("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames"), "tls"],
    [err("ERR_SSL_WRONG_VERSION_NUMBER"), "tls"],
    [err("HPE_INVALID_CONSTANT", "Parse Error: Expected HTTP/"), "connection"],
  ])("%s is %s", (error, expected) => {
    expect(classifyError(error).errorClass).toBe(expected);
  });

  it("says what happened in the message", () => {
    expect(classifyError(err("ECONNREFUSED", "connect ECONNREFUSED 203.0.113.9:443")).message).toBe(
      "Connection failed (ECONNREFUSED): connect ECONNREFUSED 203.0.113.9:443",
    );
    expect(classifyError(err("HPE_INVALID_CONSTANT", "Parse Error")).message).toContain("Invalid HTTP response");
  });
});
