/**
 * throttle: the limits hold when requests come at once, and the sign-in address is the socket's. Over HTTP against
 * `next start` (TRUSTED_PROXY_HOPS unset, so 0):
 * - 150 wrong passwords for one email, in parallel from 150 loopback addresses: exactly the per-email budget (10) is
 *   checked, the rest are refused as throttled;
 * - 120 wrong passwords for 120 emails, in parallel from one address, each with its own X-Forwarded-For: exactly the
 *   per-IP budget (30) is checked;
 * - X-Forwarded-For, X-Real-IP and a forged `x-herald-peer` are ignored: attempts are recorded under the socket's address;
 * - 120 parallel Send test event calls for one endpoint: exactly 5 are sent.
 * Requests leave from addresses in 127.0.0.0/8 other than 127.0.0.1 (Linux routes the whole block to loopback), so
 * the other suites' budget for 127.0.0.1 is untouched.
 */
import http from "node:http";
import { BASE, callAction, PORT, type SecuritySuite } from "./kit";

interface Sent {
  status: number;
  location: string;
  setCookies: string[];
}

/** One request to the app from `localAddress`: fetch cannot choose the source address, node:http can. */
function request(localAddress: string, method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: PORT, localAddress, method, path: urlPath, headers: { host: new URL(BASE).host, ...headers }, timeout: 60_000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? "", setCookies: res.headers["set-cookie"] ?? [] }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath} from ${localAddress}: no answer in 60 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** A CSRF token and its cookie, good for any number of credential posts. */
async function csrf(): Promise<{ token: string; cookie: string }> {
  const res = await fetch(`${BASE}/api/auth/csrf`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { token: csrfToken, cookie: res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") };
}

type Outcome = "checked" | "throttled" | "signed-in" | "other";

/** Auth.js answers a refused sign-in with a redirect to /login carrying the error and its code. */
function outcomeOf(sent: Sent): Outcome {
  if (sent.setCookies.some((c) => c.startsWith("authjs.session-token="))) return "signed-in";
  const location = decodeURIComponent(sent.location);
  if (/code=throttled:\d+/.test(location)) return "throttled";
  if (/error=CredentialsSignin/.test(location)) return "checked";
  return "other";
}

export const throttleSuite: SecuritySuite = {
  name: "throttle",
  async run(ctx) {
    const { raw, check, allActions, acmeCookie } = ctx;
    // Imported here, not at the top: lib/env reads DATABASE_URL once, and the entry points it at its own database first.
    const { env } = await import("../../../lib/env");
    const { TEST_EVENTS_PER_MINUTE } = await import("../../../lib/delivery/test-event");
    const { token, cookie } = await csrf();
    const attempt = (from: string, email: string, password: string, headers: Record<string, string> = {}) =>
      request(
        from,
        "POST",
        "/api/auth/callback/credentials",
        { "content-type": "application/x-www-form-urlencoded", cookie, ...headers },
        new URLSearchParams({ email, password, csrfToken: token }).toString(),
      ).then(outcomeOf, (error: unknown) => `error: ${String(error)}`);
    const tally = (outcomes: string[]) => outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
    const stamp = Date.now().toString(36);
    const { maxFailuresPerEmail, maxFailuresPerIp } = env.loginThrottle;

    const perEmail = check("throttle", `150 parallel wrong passwords for one email, from 150 addresses: exactly ${maxFailuresPerEmail} checked`);
    const email = `race-${stamp}@example.com`;
    const byEmail = tally(await Promise.all(Array.from({ length: 150 }, (_, i) => attempt(`127.0.1.${i + 1}`, email, `guess-${i}`))));
    perEmail.probe(byEmail.checked === maxFailuresPerEmail, `passwords checked: ${byEmail.checked ?? 0} (${JSON.stringify(byEmail)})`);
    perEmail.probe(byEmail.throttled === 150 - maxFailuresPerEmail, `refused as throttled: ${byEmail.throttled ?? 0} (${JSON.stringify(byEmail)})`);
    const [emailRows] = await raw<{ n: number }[]>`select count(*)::int as n from login_attempts where email = ${email}`;
    perEmail.probe(emailRows!.n === maxFailuresPerEmail, `attempts recorded for the email: ${emailRows!.n}`);

    const perIp = check("throttle", `120 parallel wrong passwords from one address (a new X-Forwarded-For each): exactly ${maxFailuresPerIp} checked`);
    const sprayFrom = "127.0.2.1";
    const byIp = tally(
      await Promise.all(
        Array.from({ length: 120 }, (_, i) => attempt(sprayFrom, `spray-${i}-${stamp}@example.com`, "x", { "x-forwarded-for": `198.51.100.${i + 1}` })),
      ),
    );
    perIp.probe(byIp.checked === maxFailuresPerIp, `passwords checked: ${byIp.checked ?? 0} (${JSON.stringify(byIp)})`);
    perIp.probe(byIp.throttled === 120 - maxFailuresPerIp, `refused as throttled: ${byIp.throttled ?? 0} (${JSON.stringify(byIp)})`);
    const [ipRows] = await raw<{ n: number }[]>`select count(*)::int as n from login_attempts where ip = ${sprayFrom}`;
    perIp.probe(ipRows!.n === maxFailuresPerIp, `attempts recorded for ${sprayFrom}: ${ipRows!.n}`);

    const spoof = check("throttle", "sign-in address is the socket's: X-Forwarded-For, X-Real-IP and a forged x-herald-peer are ignored");
    const spoofFrom = "127.0.3.1";
    const spoofs: Record<string, string>[] = [
      { "x-forwarded-for": "203.0.113.7" },
      { "x-forwarded-for": "203.0.113.8, 10.0.0.1" },
      { "x-real-ip": "203.0.113.9" },
      { "x-herald-peer": "203.0.113.10" },
      { "x-herald-peer": "0123456789abcdef0123456789abcdef 203.0.113.11", "x-forwarded-for": "203.0.113.12" },
    ];
    for (const [i, headers] of spoofs.entries()) {
      const outcome = await attempt(spoofFrom, `spoof-${i}-${stamp}@example.com`, "x", headers);
      spoof.probe(outcome === "checked", `${JSON.stringify(headers)}: ${outcome}`);
    }
    const recorded = await raw<{ ip: string }[]>`select distinct ip from login_attempts where email like ${`spoof-%-${stamp}@example.com`}`;
    spoof.probe(recorded.length === 1 && recorded[0]!.ip === spoofFrom, `recorded under ${JSON.stringify(recorded.map((r) => r.ip))}, not ${spoofFrom}`);

    const testEvents = check("throttle", `120 parallel Send test event calls for one endpoint: exactly ${TEST_EVENTS_PER_MINUTE} sent`);
    const create = allActions.find((a) => a.name === "createEndpointAction");
    const sendTest = allActions.find((a) => a.name === "sendTestEventAction");
    if (!create || !sendTest) testEvents.fail("createEndpointAction or sendTestEventAction is not in the build");
    else {
      // `.invalid` never resolves: every attempt fails at DNS, and nothing leaves the machine.
      const made = await callAction(create, [{ url: `https://throttle-${stamp}.invalid/hook`, maxRetries: 0, eventTypes: ["credential.issued"] }], acmeCookie);
      const id = (made.result?.data as { id?: string } | undefined)?.id;
      if (!id) testEvents.fail(`creating the endpoint answered ${made.status} ${JSON.stringify(made.result)}`);
      else {
        const answers = await Promise.all(Array.from({ length: 120 }, () => callAction(sendTest, [{ id, type: "credential.issued" }], acmeCookie)));
        const sent = answers.filter((a) => a.result?.ok === true).length;
        const limited = answers.filter((a) => a.result?.ok === false && a.result.error?.code === "rate_limited:test_event").length;
        testEvents.probe(sent === TEST_EVENTS_PER_MINUTE, `sent: ${sent}, told to wait: ${limited}, other: ${120 - sent - limited}`);
        testEvents.probe(limited === 120 - TEST_EVENTS_PER_MINUTE, `told to wait: ${limited}`);
        const [deliveries] = await raw<{ n: number }[]>`
          select count(*)::int as n from deliveries d join events e on e.id = d.event_id where d.endpoint_id = ${id} and e.test`;
        testEvents.probe(deliveries!.n === TEST_EVENTS_PER_MINUTE, `test deliveries made: ${deliveries!.n}`);
      }
    }
  },
};
