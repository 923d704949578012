/**
 * bodies: what a request body, a path or a search box can cost the app and other tenants (issue 13, items 5-7).
 * - Chunked uploads of 200 MB without Content-Length, four at once, to every place that reads a body (the Stripe
 *   webhook with any Stripe-Signature, a public API route, Auth.js, a server action as text and as a form): each
 *   answered 413 with the JSON error, and the app's resident memory (RSS, the process and its children) measured
 *   while they run stays within 100 MB of what it was before.
 * - One tenant's bad events (6,000 levels deep, a lone UTF-16 surrogate, data 40 levels deep) published alongside
 *   80 concurrent publishes of another organization: every one of those succeeds, every bad one gets a 400 with a
 *   message.
 * - Malformed percent-encoding in every /api/v1 id and every page id (`%ED%A0%80`, `%E0%A4%A`, ...): a 400 with a
 *   message (JSON under /api/), never a 500; a NUL in the partner's and the admin's Logs search: the page renders
 *   and the app logs no error.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import { EVENT_CATALOG } from "../../../lib/events/catalog";
import { http as request, LOG_FILE, PORT, PUBLIC_API_ROUTES, signIn, sleep, type SecuritySuite } from "./kit";

const UPLOAD_MB = 200;
const PARALLEL_UPLOADS = 4;
const RSS_BUDGET_MB = 100;
const UNDECODABLE = ["%ED%A0%80", "%E0%A4%A", "%FF", "%C0%AF", "%"];

/** Resident memory of a process and all its descendants, in MB (Linux /proc). */
function rssMb(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let kb = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return Math.round(kb / 1024);
}

interface UploadAnswer {
  status?: number;
  body: string;
  sentMb: number;
  error?: string;
}

/** POSTs `mb` MB with Transfer-Encoding: chunked (no Content-Length), stopping as soon as an answer arrives. */
function chunkedUpload(path: string, headers: Record<string, string>, mb: number): Promise<UploadAnswer> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const total = mb * 1024 * 1024;
  return new Promise((resolve) => {
    let sent = 0;
    let answered = false;
    const req = http.request({ host: "127.0.0.1", port: PORT, path, method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode, body, sentMb: Math.round(sent / 1048576) });
        req.destroy();
      });
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (!answered) resolve({ body: "", sentMb: Math.round(sent / 1048576), error: e.code ?? e.message });
    });
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** New lines of the app's log since `from` (a byte offset) that report an error. */
function logErrorsSince(from: number): string[] {
  const text = readFileSync(LOG_FILE).subarray(from).toString("utf8");
  return text.split("\n").filter((l) => /"level":"error"|PostgresError|Failed query|⨯|Internal Server Error/.test(l));
}

const logSize = () => statSync(LOG_FILE).size;
const errorMessage = (json: unknown) => (json as { error?: { message?: string } } | undefined)?.error?.message ?? "";

export const bodiesSuite: SecuritySuite = {
  name: "bodies",
  async run(ctx) {
    const { check, allActions, allRoutes, allPages, acmeKey, globexKey, acmeCookie } = ctx;

    // ---- item 6: bodies are read with a limit that stops the read ----------------------------------------------------
    const action = allActions.find((a) => a.name === "updateProfileAction") ?? allActions[0]!;
    const actionPage = action.page.replace(/\[id\]/g, ctx.ids.endpoint);
    const targets: { label: string; path: string; headers: Record<string, string> }[] = [
      { label: "POST /api/webhooks/stripe (any Stripe-Signature)", path: "/api/webhooks/stripe", headers: { "stripe-signature": "t=1,v1=00", "content-type": "application/json" } },
      { label: "POST /api/v1/events", path: "/api/v1/events", headers: { authorization: `Bearer ${acmeKey}`, "content-type": "application/json" } },
      { label: "POST /api/auth/callback/credentials", path: "/api/auth/callback/credentials", headers: { "content-type": "application/x-www-form-urlencoded" } },
      { label: `server action ${action.name} (text/plain)`, path: actionPage, headers: { "next-action": action.id, "content-type": "text/plain;charset=UTF-8", cookie: acmeCookie } },
      { label: `server action ${action.name} (multipart form)`, path: actionPage, headers: { "next-action": action.id, "content-type": "multipart/form-data; boundary=x", cookie: acmeCookie } },
    ];
    const figures: string[] = [];
    for (const target of targets) {
      const c = check("bodies", `${PARALLEL_UPLOADS} chunked ${UPLOAD_MB} MB uploads, no Content-Length, to ${target.label}: 413 with a message, RSS within ${RSS_BUDGET_MB} MB`);
      // Let the previous round's garbage go before measuring the starting point.
      await sleep(1_000);
      const before = rssMb(ctx.appPid);
      let peak = before;
      let running = true;
      const sampler = (async () => {
        while (running) {
          peak = Math.max(peak, rssMb(ctx.appPid));
          await sleep(50);
        }
      })();
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: PARALLEL_UPLOADS }, () => chunkedUpload(target.path, target.headers, UPLOAD_MB)));
      running = false;
      await sampler;
      for (const a of answers) {
        let message = "";
        try {
          message = errorMessage(JSON.parse(a.body));
        } catch {
          message = "";
        }
        c.probe(a.status === 413 && message.length > 0, `${target.label}: ${a.status ?? a.error} after ${a.sentMb} MB sent: ${a.body.slice(0, 160)}`);
      }
      c.probe(peak - before <= RSS_BUDGET_MB, `${target.label}: RSS ${before} MB -> peak ${peak} MB (+${peak - before} MB)`);
      figures.push(`${target.label}: RSS ${before} -> peak ${peak} MB (+${peak - before}), answered after ${Math.max(...answers.map((a) => a.sentMb))} MB sent, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    console.log(`\nbodies: ${PARALLEL_UPLOADS} x ${UPLOAD_MB} MB chunked uploads per target\n- ${figures.join("\n- ")}`);

    // ---- item 5: one tenant's bad events never fail another tenant's publishes ---------------------------------------
    const example = EVENT_CATALOG.find((e) => e.type === "session.completed")!.example;
    const deepAccount = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
    const bad: { label: string; body: string }[] = [
      { label: "6,000 levels deep", body: JSON.stringify({ type: "session.completed", data: { ...example, account: "@" } }).replace('"@"', deepAccount(6_000)) },
      { label: "data 40 levels deep (under the body's limit)", body: JSON.stringify({ type: "session.completed", data: { ...example, account: "@" } }).replace('"@"', deepAccount(40)) },
      { label: "a lone UTF-16 surrogate", body: JSON.stringify({ type: "session.completed", data: { ...example, account: { name: "x\ud800" } } }) },
      { label: "a lone surrogate in a key", body: JSON.stringify({ type: "session.completed", data: { ...example, account: { "\udc00": 1 } } }) },
    ];
    const isolation = check("bodies", "80 concurrent publishes of Globex all succeed while Acme publishes bad events (deep, lone surrogates) at the same time: 400 with a message for each bad one");
    const logFrom = logSize();
    const good = Array.from({ length: 80 }, (_, i) =>
      request("POST", "/api/v1/events", { key: globexKey, body: JSON.stringify({ type: "session.completed", data: { ...example, sessionId: `ses_prove_${i}` } }) }),
    );
    const hostile = Array.from({ length: 16 }, (_, i) => request("POST", "/api/v1/events", { key: acmeKey, body: bad[i % bad.length]!.body }));
    const [goodAnswers, badAnswers] = await Promise.all([Promise.all(good), Promise.all(hostile)]);
    const goodStatuses = goodAnswers.map((a) => a.status);
    isolation.probe(goodStatuses.every((s) => s === 202), `Globex's publishes answered ${JSON.stringify(goodStatuses.filter((s) => s !== 202))} (want 80 x 202)`);
    for (const [i, a] of badAnswers.entries()) {
      isolation.probe(a.status === 400 && errorMessage(a.json).length > 0, `Acme's ${bad[i % bad.length]!.label}: ${a.status} ${a.text.slice(0, 160)}`);
    }
    const stored = await ctx.raw<{ n: number }[]>`select count(*)::int as n from events where data ->> 'sessionId' like 'ses_prove_%'`;
    isolation.probe(stored[0]?.n === 80, `Globex's events stored: ${stored[0]?.n} of 80`);
    const publishErrors = logErrorsSince(logFrom);
    isolation.probe(publishErrors.length === 0, `the app logged errors: ${publishErrors.slice(0, 2).join(" | ").slice(0, 300)}`);

    // ---- item 7: malformed input is a 4xx with a message ---------------------------------------------------------------
    const apiPaths = check("bodies", "undecodable percent-encoding in every /api/v1 id (%ED%A0%80, %E0%A4%A, ...): 400 with the API's JSON error");
    for (const { route, methods } of allRoutes.filter((r) => r.route.startsWith("/api/v1/") && r.route.includes("[id]") && !PUBLIC_API_ROUTES.includes(r.route))) {
      for (const method of methods) {
        for (const bytes of UNDECODABLE) {
          const a = await request(method, route.replace("[id]", bytes), { key: acmeKey, body: method === "GET" ? undefined : "{}" });
          apiPaths.probe(a.status === 400 && errorMessage(a.json).length > 0, `${method} ${route} with ${bytes}: ${a.status} ${a.text.slice(0, 120)}`);
        }
      }
    }
    const pagePaths = check("bodies", "undecodable percent-encoding in every page id: 400 with a message, never a 500");
    for (const page of allPages.filter((p) => p.includes("[id]"))) {
      for (const bytes of UNDECODABLE) {
        const a = await request("GET", page.replace("[id]", bytes), { cookie: acmeCookie });
        pagePaths.probe(a.status === 400 && a.text.length > 0, `${page} with ${bytes}: ${a.status} ${a.text.slice(0, 120)}`);
      }
    }
    const adminCookie = await signIn("admin@example.com", "admin-demo-password");
    const search = check("bodies", "NUL and other odd text in the Logs search (partner's /webhooks/logs, admin's /admin/logs): the page renders, no error logged");
    if (!adminCookie) search.fail("could not sign in the demo admin");
    for (const [cookie, path] of [
      [acmeCookie, "/webhooks/logs"],
      [adminCookie ?? "", "/admin/logs"],
    ] as const) {
      for (const q of ["%00", "evt_%00x", "%ED%A0%80", "%EF%BF%BF", `${"%01".repeat(300)}`]) {
        const from = logSize();
        const a = await request("GET", `${path}?q=${q}`, { cookie });
        await sleep(100);
        const errors = logErrorsSince(from);
        search.probe(a.status === 200 && errors.length === 0, `${path}?q=${q.slice(0, 20)}: ${a.status}${errors.length ? `, logged: ${errors[0]!.slice(0, 200)}` : ""}`);
      }
    }
  },
};
