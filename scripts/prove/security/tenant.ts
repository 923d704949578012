/**
 * tenant: Globex's session and key with Acme's ids on every page, action and route that takes an id, and every list:
 * 0 leaks (no Acme id or URL in any answer), 0 changes (a digest of every table).
 */
import { callAction, http, type SecuritySuite } from "./kit";

export const tenantSuite: SecuritySuite = {
  name: "tenant",
  async run(ctx) {
    const { check, digest, changedTables, allPages, allRoutes, allActions, idFor, fill, ids, acmeMarkers, globexCookie, globexKey } = ctx;
    const before = await digest();
    const leak = (text: string) => acmeMarkers.find((m) => text.includes(m));
    const pageCheck = check("tenant", "Globex's session on every page: no Acme data; Acme's id answers exactly like an unknown id");
    for (const page of allPages.filter((p) => p !== "/login")) {
      const id = page.includes("[id]") ? idFor(page) : "";
      if (id === undefined) {
        pageCheck.fail(`${page}: no Acme id to try`);
        continue;
      }
      const r = await http("GET", fill(page, id), { cookie: globexCookie });
      // The requested id itself comes back in Next's router payload; any other Acme marker is a leak.
      const found = acmeMarkers.find((m) => m !== id && r.text.includes(m));
      // Acme's id must answer exactly like an id that exists nowhere.
      const unknown = page.includes("[id]") ? await http("GET", fill(page, id.replace(/[0-9a-z]{6}$/, "zzzzzz")), { cookie: globexCookie }) : undefined;
      pageCheck.probe(
        r.status < 500 && !found && (!unknown || unknown.status === r.status),
        `${fill(page, id)}: ${r.status}${unknown ? ` (unknown id: ${unknown.status})` : ""}${found ? `, shows ${found}` : ""}`,
      );
    }
    const actionCheck = check("tenant", "Globex's session with Acme's ids on every action that takes one: refused, nothing changed");
    const acmeIdInputs = [
      { id: ids.endpoint },
      { id: ids.endpoint, active: false },
      { id: ids.endpoint, url: "https://globex.example/took-over", eventTypes: "all", timeoutSeconds: 5, maxRetries: 1, headers: [], active: true, description: "" },
      { id: ids.endpoint, type: "credential.issued" },
      { id: ids.endpoint, since: "2020-01-01T00:00" },
      { id: ids.endpoint, ids: [ids.delivery] },
      { id: ids.delivery },
      { id: ids.apiKey },
    ];
    const skip = new Set(["signInWithPassword", "signInWithProvider", "signOutAction", "signOutForInvitationAction", "createEndpointAction", "createApiKeyAction", "updateProfileAction", "updateOrganizationAction"]);
    for (const action of allActions.filter((a) => !skip.has(a.name))) {
      for (const input of acmeIdInputs) {
        const r = await callAction(action, [input], globexCookie);
        const found = leak(r.text);
        // Progress counts are Globex's own: all zero for Acme's deliveries is an answer, not a leak.
        const emptyCounts =
          action.name === "deliveryProgressAction" && r.result?.ok === true && Object.values(r.result.data as Record<string, number>).every((n) => n === 0);
        actionCheck.probe(
          r.status < 500 && (r.result?.ok === false || emptyCounts) && !found,
          `${action.name}(${JSON.stringify(input).slice(0, 80)}): ${r.status} ${JSON.stringify(r.result)?.slice(0, 200)}${found ? `, shows ${found}` : ""}`,
        );
      }
    }
    const routeCheck = check("tenant", "Globex's key with Acme's ids on every /api/v1 route, and every list: 404 or no Acme data");
    for (const { route, methods } of allRoutes.filter((r) => r.route.startsWith("/api/v1/"))) {
      const id = route.includes("[id]") ? idFor(route) : "";
      if (id === undefined) {
        routeCheck.fail(`${route}: no Acme id to try`);
        continue;
      }
      for (const method of methods) {
        // Lists and creations by Globex are Globex's own: only id routes and GETs can leak Acme's data.
        if (method !== "GET" && !route.includes("[id]")) continue;
        // A body the route would accept, so that only the id can stop it.
        const valid: Record<string, unknown> = route.endsWith("/complete") ? { status: "CANCELLED" } : route.endsWith("/revoke") ? { reason: "globex" } : {};
        const r = await http(method, fill(route, id), { key: globexKey, body: method === "GET" ? undefined : JSON.stringify(valid) });
        const found = acmeMarkers.find((m) => m !== id && r.text.includes(m));
        routeCheck.probe(
          r.status < 500 && !found && (!route.includes("[id]") || r.status === 404),
          `${method} ${fill(route, id)}: ${r.status}${found ? `, shows ${found}` : ""}`,
        );
      }
    }
    for (const [urlPath, what] of [[`/api/v1/events?search=${ids.event}`, "event search"], [`/api/v1/credentials?limit=500`, "credentials list"], [`/api/v1/events`, "events list"]] as const) {
      const r = await http("GET", urlPath, { key: globexKey });
      const found = leak(r.text);
      routeCheck.probe(r.status < 500 && !found, `${what}: ${r.status}${found ? `, shows ${found}` : ""}`);
    }
    const changed = changedTables(before, await digest());
    actionCheck.probe(changed.length === 0, `tables changed by Globex: ${changed.join(", ")}`);
  },
};
