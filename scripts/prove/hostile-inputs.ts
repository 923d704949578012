/**
 * Generated bad inputs for scripts/prove-security.ts. Every input here must be refused by its target: each is wrong
 * in type, size, shape or content for every schema it meets, so an answer that accepts one is a finding.
 */

export interface ActionInput {
  label: string;
  /** The action's arguments (encoded as the browser would); ignored when `rawBody` is set. */
  args: unknown[];
  /** A reply body sent as is: malformed or hostile encodings the browser would never produce. */
  rawBody?: string;
}

export interface ApiRequest {
  label: string;
  body?: string;
  /** The request path, when the input is in the path or the query string. */
  path?: (route: string) => string;
}

const deep = (levels: number, open: string, close: string, inner = "1") => `${open.repeat(levels)}${inner}${close.repeat(levels)}`;

/** Ids that are no id at all: traversal, injection, unicode look-alikes, control characters, sizes. */
export const BAD_IDS = [
  "../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "' or '1'='1' --",
  "ep_aaaaaaaaaaaaaaaaaaa'; drop table webhook_endpoints; --",
  "ep_ａａａａａａａａａａａａａａａａａａａａ",
  "ep_aaaaaaaaaa\u200baaaaaaaaaa",
  "ep_aaaaaaaaaaaaaaaaaaaa\u0000",
  "ep_aaaaaaaaaaaaaaaaaaaa\r\nX-Injected: 1",
  "\u202eep_aaaaaaaaaaaaaaaaaaaa",
  "ep_" + "a".repeat(8_000),
  "",
  "null",
];

/** Every SSRF spelling: private, loopback, link-local, mapped and odd notations, names, schemes, tricks. */
export function ssrfUrls(v4Port: number, v6Port: number): string[] {
  const p = v4Port;
  const q = v6Port;
  return [
    `https://127.0.0.1:${p}/hook`,
    `https://127.1:${p}/hook`,
    `https://127.0.1:${p}/hook`,
    `https://2130706433:${p}/hook`,
    `https://0x7f000001:${p}/hook`,
    `https://0x7f.0.0.1:${p}/hook`,
    `https://0x7f.1:${p}/hook`,
    `https://0177.0.0.1:${p}/hook`,
    `https://017700000001:${p}/hook`,
    `https://127.000.000.001:${p}/hook`,
    `https://%31%32%37.0.0.1:${p}/hook`,
    `https://１２７.０.０.１:${p}/hook`,
    `https://127。0。0。1:${p}/hook`,
    `https://[::ffff:127.0.0.1]:${p}/hook`,
    `https://[::ffff:7f00:1]:${p}/hook`,
    `https://[0:0:0:0:0:ffff:127.0.0.1]:${p}/hook`,
    `https://[::127.0.0.1]:${p}/hook`,
    `https://[64:ff9b::7f00:1]:${p}/hook`,
    `https://[2002:7f00:1::]:${p}/hook`,
    `https://[::1]:${q}/hook`,
    `https://[0:0:0:0:0:0:0:1]:${q}/hook`,
    `https://[0000::1]:${q}/hook`,
    `https://[::1%25lo]:${q}/hook`,
    `https://[::]:${p}/hook`,
    `https://0.0.0.0:${p}/hook`,
    `https://0:${p}/hook`,
    `https://localhost:${p}/hook`,
    `https://LOCALHOST:${p}/hook`,
    `https://localhost.:${p}/hook`,
    `https://api.localhost:${p}/hook`,
    `https://vm:${p}/hook`,
    `https://10.0.0.1/hook`,
    `https://10.255.255.255/hook`,
    `https://172.16.0.1/hook`,
    `https://172.31.255.254/hook`,
    `https://192.168.1.1/hook`,
    `https://169.254.169.254/latest/meta-data/`,
    `https://[fd00:ec2::254]/latest/meta-data/`,
    `https://100.64.0.1/hook`,
    `https://198.18.0.1/hook`,
    `https://224.0.0.1/hook`,
    `https://255.255.255.255/hook`,
    `https://[fc00::1]/hook`,
    `https://[fe80::1]/hook`,
    `https://[ff02::1]/hook`,
    `https://user:pass@127.0.0.1:${p}/hook`,
    `https://hooks.example.com@127.0.0.1:${p}/hook`,
    `http://127.0.0.1:${p}/hook`,
    `http://hooks.example.com/hook`,
    `file:///etc/passwd`,
    `gopher://127.0.0.1:${p}/_hook`,
    `javascript:alert(1)`,
    `https://127.0.0.1:${p}/hook#frag`,
    ` https://127.0.0.1:${p}/hook`,
    `https://127.0.0.1\t:${p}/hook`,
    `https://hooks.example.com\r\n.127.0.0.1/hook`,
    `https://hooks.example.com/${"a".repeat(3_000)}`,
    `https://${"a".repeat(300)}.example.com/hook`,
    "not a url",
    "",
  ];
}

/** Bad arguments for one server action, by its export name; every action also gets the generic ones. */
export function hostileActionInputs(action: string, ctx: { endpoint: string; delivery: string; apiKey: string; ssrf: string[] }): ActionInput[] {
  const generic: ActionInput[] = [
    { label: "null", args: [null] },
    { label: "a number", args: [42] },
    { label: "a string", args: ["{\"id\":1}"] },
    { label: "an array", args: [[ctx.endpoint]] },
    { label: "true", args: [true] },
    { label: "a 900 KB string", args: ["x".repeat(900_000)] },
    { label: "a 2 MB body", args: [{ name: "x".repeat(2_000_000) }] },
    { label: "5,000 levels of nesting", args: [], rawBody: `[${deep(5_000, '{"a":', "}")}]` },
    { label: "a wide JSON bomb (200,000 nulls)", args: [], rawBody: `[[${Array(200_000).fill("null").join(",")}]]` },
    { label: "__proto__ and constructor keys", args: [], rawBody: '[{"__proto__":{"isPlatformAdmin":true},"constructor":{"prototype":{"ok":true}}}]' },
    { label: "not JSON", args: [], rawBody: "[{not json" },
    { label: "React reference strings", args: [], rawBody: '["$@1",{"id":"$K0"}]' },
    // JSON.stringify escapes a lone surrogate as \ud800: valid JSON, but not Unicode, and PostgreSQL refuses it.
    { label: "lone UTF-16 surrogates", args: [{ id: ctx.endpoint, name: "x\ud800", url: "https://hooks.example.com/\udc00", description: "\udfff" }] },
    ...BAD_IDS.map((id) => ({ label: `id ${JSON.stringify(id.slice(0, 30))}`, args: [{ id }] })),
  ];
  const endpoint = ctx.endpoint;
  const fields = (extra: Record<string, unknown>): Record<string, unknown> => ({ url: "https://hooks.example.com/h", ...extra });
  const endpointFields: ActionInput[] = [
    ...ctx.ssrf.map((url) => ({ label: `url ${url.slice(0, 60)}`, args: [{ url }] })),
    { label: "url a number", args: [{ url: 127001 }] },
    { label: "url an array", args: [{ url: ["https://hooks.example.com/h"] }] },
    { label: "header value with CR/LF", args: [fields({ headers: [{ name: "X-Token", value: "a\r\nX-Injected: 1" }] })] },
    { label: "header value with LF only", args: [fields({ headers: [{ name: "X-Token", value: "a\nb" }] })] },
    { label: "header value with NUL", args: [fields({ headers: [{ name: "X-Token", value: "a\u0000b" }] })] },
    { label: "header value 5 KB", args: [fields({ headers: [{ name: "X-Token", value: "v".repeat(5_000) }] })] },
    { label: "header value non-ASCII", args: [fields({ headers: [{ name: "X-Token", value: "héllo\u202e" }] })] },
    { label: "header name with a space", args: [fields({ headers: [{ name: "X Token", value: "v" }] })] },
    { label: "header name with a colon", args: [fields({ headers: [{ name: "X-Token:", value: "v" }] })] },
    { label: "header name with CR/LF", args: [fields({ headers: [{ name: "X-Token\r\nHost", value: "v" }] })] },
    { label: "header name unicode", args: [fields({ headers: [{ name: "X-Tökèn", value: "v" }] })] },
    { label: "reserved header Host", args: [fields({ headers: [{ name: "Host", value: "169.254.169.254" }] })] },
    { label: "reserved header webhook-signature", args: [fields({ headers: [{ name: "webhook-signature", value: "v1,forged" }] })] },
    { label: "reserved header X-Herald-Event", args: [fields({ headers: [{ name: "X-Herald-Event", value: "forged" }] })] },
    { label: "reserved header Transfer-Encoding", args: [fields({ headers: [{ name: "Transfer-Encoding", value: "chunked" }] })] },
    { label: "duplicate header names", args: [fields({ headers: [{ name: "X-A", value: "1" }, { name: "x-a", value: "2" }] })] },
    { label: "11 headers", args: [fields({ headers: Array.from({ length: 11 }, (_, i) => ({ name: `X-H${i}`, value: "v" })) })] },
    { label: "headers an object", args: [fields({ headers: { "X-A": "1" } })] },
    { label: "timeout 0", args: [fields({ timeoutSeconds: 0 })] },
    { label: "timeout 31", args: [fields({ timeoutSeconds: 31 })] },
    { label: "timeout -1", args: [fields({ timeoutSeconds: -1 })] },
    { label: "timeout 1.5", args: [fields({ timeoutSeconds: 1.5 })] },
    { label: "timeout 1e309", args: [fields({ timeoutSeconds: "1e309" })] },
    { label: "timeout text", args: [fields({ timeoutSeconds: "ten" })] },
    { label: "retries 11", args: [fields({ maxRetries: 11 })] },
    { label: "retries -1", args: [fields({ maxRetries: -1 })] },
    { label: "event types unknown", args: [fields({ eventTypes: ["credential.teleported"] })] },
    { label: "event types empty", args: [fields({ eventTypes: [] })] },
    { label: "event types ALL", args: [fields({ eventTypes: "ALL" })] },
    { label: "event types with CR/LF", args: [fields({ eventTypes: ["credential.issued\r\n"] })] },
    { label: "description 10,000 characters", args: [fields({ description: "d".repeat(10_000) })] },
    { label: "description with control characters", args: [fields({ description: "a\u0007b\u001bc" })] },
    { label: "active a string", args: [fields({ active: "yes" })] },
  ];
  const byAction: Record<string, ActionInput[]> = {
    createEndpointAction: endpointFields,
    updateEndpointAction: endpointFields.map((i) => ({ ...i, args: [{ id: endpoint, ...(i.args[0] as object) }] })),
    setEndpointActiveAction: [
      { label: "active a string", args: [{ id: endpoint, active: "false" }] },
      { label: "active 0", args: [{ id: endpoint, active: 0 }] },
      { label: "active missing", args: [{ id: endpoint }] },
    ],
    sendTestEventAction: [
      { label: "unknown type", args: [{ id: endpoint, type: "credential.teleported" }] },
      { label: "type with CR/LF", args: [{ id: endpoint, type: "credential.issued\r\nX: 1" }] },
      { label: "type an array", args: [{ id: endpoint, type: ["credential.issued"] }] },
    ],
    redeliverFailedAction: [
      { label: "since not a date", args: [{ id: endpoint, since: "yesterday" }] },
      { label: "since in the future", args: [{ id: endpoint, since: "2999-01-01T00:00" }] },
      { label: "since a number", args: [{ id: endpoint, since: 0 }] },
      { label: "since month 13", args: [{ id: endpoint, since: "2026-13-01T00:00" }] },
    ],
    deliveryProgressAction: [
      { label: "1,001 ids", args: [{ ids: Array.from({ length: 1_001 }, () => ctx.delivery) }] },
      { label: "ids numbers", args: [{ ids: [1, 2, 3] }] },
      { label: "ids with a bad id", args: [{ ids: [ctx.delivery, "dlv_../../x"] }] },
    ],
    createApiKeyAction: [
      { label: "name empty", args: [{ name: "" }] },
      { label: "name spaces", args: [{ name: "   " }] },
      { label: "name 101 characters", args: [{ name: "n".repeat(101) }] },
      { label: "name with CR/LF", args: [{ name: "key\r\nX-Injected: 1" }] },
      { label: "name with NUL", args: [{ name: "key\u0000" }] },
      { label: "name a number", args: [{ name: 42 }] },
    ],
    revokeApiKeyAction: [{ label: "id of the wrong kind", args: [{ id: endpoint }] }],
    updateProfileAction: [
      { label: "name empty", args: [{ name: "" }] },
      { label: "name 101 characters", args: [{ name: "n".repeat(101) }] },
      { label: "name with an RTL override", args: [{ name: "Paula\u202eevil" }] },
      { label: "name with a zero-width space", args: [{ name: "Pau\u200bla" }] },
      { label: "name with CR/LF", args: [{ name: "Paula\r\nAdmin" }] },
      { label: "name an object", args: [{ name: { first: "Paula" } }] },
    ],
    updateOrganizationAction: [
      { label: "name empty", args: [{ name: " " }] },
      { label: "name 10,000 characters", args: [{ name: "o".repeat(10_000) }] },
      { label: "name with a bidi isolate", args: [{ name: "Acme\u2066evil\u2069" }] },
      { label: "name with NUL", args: [{ name: "Acme\u0000" }] },
    ],
    redeliverAction: [{ label: "an endpoint id instead of a delivery", args: [{ id: endpoint }] }],
  };
  return [...generic, ...(byAction[action] ?? [])];
}

/** Bad requests for one API route and method. */
export function hostileApiRequests(route: string, method: string): ApiRequest[] {
  const out: ApiRequest[] = [];
  const hasId = route.includes("[id]");
  if (hasId) {
    for (const id of BAD_IDS.filter((i) => !i.includes("\r") && !i.includes("\u0000"))) {
      out.push({ label: `id ${JSON.stringify(id.slice(0, 30))}`, path: (r) => r.replace("[id]", encodeURIComponent(id || " ")), body: method === "GET" ? undefined : "{}" });
    }
    out.push({ label: "id with an encoded NUL", path: (r) => r.replace("[id]", "ses_%00"), body: method === "GET" ? undefined : "{}" });
    out.push({ label: "id with encoded CR/LF", path: (r) => r.replace("[id]", "ses_%0d%0aX-Injected:%201"), body: method === "GET" ? undefined : "{}" });
    for (const bytes of ["%ED%A0%80", "%E0%A4%A", "%FF"]) {
      out.push({ label: `id with undecodable percent-encoding ${bytes}`, path: (r) => r.replace("[id]", bytes), body: method === "GET" ? undefined : "{}" });
    }
  }
  if (method === "GET") {
    const queries: Record<string, string[]> = {
      "/api/v1/events": ["limit=-1", "limit=0", "limit=501", "limit=1e309", "limit=abc", "after=../../etc", "after=evt_%00", `after=evt_${"a".repeat(5_000)}`, "type=credential.teleported", "type=%3Cscript%3E"],
      "/api/v1/credentials": ["limit=-1", "limit=100000", "limit=NaN", "status=HACKED", "status=%0d%0a", "createdAfter=yesterday", "createdAfter=2026-13-45T99:99:99Z", `cursor=${"c".repeat(300)}`, "cursor=%00abc", "cursor=abc%0d%0a"],
    };
    if (!hasId) {
      const list = queries[route];
      if (!list) out.push({ label: "NO HOSTILE QUERIES DEFINED: add them in scripts/prove/hostile-inputs.ts", path: () => "/api/v1/__uncovered__" });
      for (const q of list ?? []) out.push({ label: `?${q.slice(0, 40)}`, path: (r) => `${r}?${q}` });
    }
    return out;
  }
  // Bodies that no schema accepts: wrong JSON types, malformed JSON, bombs, sizes.
  const bodies: [string, string][] = [
    ["not JSON", "{not json"],
    ["a JSON string", '"hello"'],
    ["a JSON number", "42"],
    ["JSON null", "null"],
    ["a JSON array", "[]"],
    ["50,000 levels of array nesting", deep(50_000, "[", "]")],
  ];
  // Object bodies are bad only where a field they set is known to the route's schema: schemas drop unknown keys, so
  // `{"a": 1}` is a fine body for a route that takes no fields (claim).
  const fieldsOf: Record<string, string[]> = {
    "/api/v1/events": ["type", "data"],
    "/api/v1/events/batch": ["events"],
    "/api/v1/sessions": ["platform", "referenceId"],
    "/api/v1/credentials": ["badgeId", "recipientEmail"],
    "/api/v1/credentials/bulk": ["badgeId", "recipients"],
    "/api/v1/sessions/[id]/complete": ["status", "account"],
    "/api/v1/credentials/[id]/revoke": ["reason"],
    "/api/v1/credentials/[id]/renew": ["expirationDate"],
    "/api/v1/credentials/[id]/claim": [],
    "/api/v1/endpoints/[id]/verification-checks": [],
  };
  const fields = fieldsOf[route];
  if (!fields) out.push({ label: "NO FIELDS DEFINED: add the route to fieldsOf in scripts/prove/hostile-inputs.ts", path: () => "/api/v1/__uncovered__" });
  for (const field of fields ?? []) {
    bodies.push([`10,000 levels of object nesting in ${field}`, `{"${field}":${deep(10_000, '{"a":', "}")}}`]);
    bodies.push([`${field} a number`, JSON.stringify({ [field]: 42 })]);
    bodies.push([`${field} 200 KB`, JSON.stringify({ [field]: "x".repeat(200_000) })]);
    bodies.push([`${field} with NUL`, JSON.stringify({ [field]: "a\u0000b" })]);
    bodies.push([`${field} with a lone surrogate`, JSON.stringify({ [field]: "a\ud800b" })]);
    bodies.push([`${field} with a lone surrogate in a key`, JSON.stringify({ [field]: { "\udc00": "b" } })]);
  }
  if (!hasId) {
    bodies.push(
      ["fields of the wrong types", JSON.stringify({ type: 42, data: "x", platform: ["a"], badgeId: {}, recipientEmail: 7, recipients: "all", idempotencyKey: 1 })],
      ["__proto__ and constructor keys", '{"__proto__":{"isPlatformAdmin":true},"constructor":{"prototype":{"x":1}}}'],
      ["strings over their limits", JSON.stringify({ type: "t".repeat(200_000), platform: "p".repeat(101), badgeId: "b".repeat(101), recipientEmail: `${"e".repeat(400)}@example.com`, recipients: [] })],
      ["unicode look-alikes in the type", JSON.stringify({ type: "credential.іssued", data: {}, platform: "", badgeId: "", recipientEmail: "jane@exаmple.com", recipients: [] })],
      ["CR/LF and NUL in fields", JSON.stringify({ type: "credential.issued\r\nX: 1", data: {}, platform: "\u0000", badgeId: " ", recipientEmail: "jane@example.com\r\nBcc: x@example.com", recipients: [{ email: 1 }] })],
      ["a reserved idempotency key", JSON.stringify({ type: "nope", data: {}, platform: "", idempotencyKey: "herald:forged", badgeId: "", recipientEmail: "", recipients: [] })],
    );
  } else if (fields && fields.length > 0) {
    bodies.push(["fields of the wrong types", JSON.stringify({ status: 42, reason: ["x"], expirationDate: 5, account: "x", attestation: 7 })]);
    bodies.push(["strings over their limits", JSON.stringify({ status: "COMPLETED".repeat(1000), reason: "r".repeat(10_000), expirationDate: "y".repeat(10_000) })]);
    bodies.push(["a date in the past", JSON.stringify({ expirationDate: "2001-01-01T00:00:00Z", status: "NOPE", reason: 1 })]);
  }
  for (const [label, body] of bodies) out.push({ label, body });
  return out;
}
