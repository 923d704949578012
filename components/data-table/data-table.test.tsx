import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";

import { createDataTableColumnHelper, DataTable } from "./data-table";

// useRouter throws outside a mounted App Router, which renderToString does not provide.
vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn() }) }));

type Endpoint = { id: string; url: string; deliveries: number };

const helper = createDataTableColumnHelper<Endpoint>();
const columns = helper.columns([
  helper.accessor("url", { header: "URL" }),
  helper.accessor("deliveries", {
    header: "Deliveries",
    cell: (info) => info.getValue().toLocaleString("en-US"),
    meta: { className: "text-right tabular-nums", headerClassName: "text-right" },
  }),
  helper.display({ id: "actions", header: "Actions", cell: () => <button type="button">Edit</button> }),
]);

const endpoints: Endpoint[] = [
  { id: "ep_b", url: "https://b.example.com/hook", deliveries: 20 },
  { id: "ep_a", url: "https://a.example.com/hook", deliveries: 3000 },
  { id: "ep_c", url: "https://c.example.com/hook", deliveries: 1 },
];

const getRowId = (row: Endpoint) => row.id;

function positions(html: string, needles: string[]): number[] {
  return needles.map((needle) => {
    const index = html.indexOf(needle);
    expect(index, `${needle} should be rendered`).toBeGreaterThan(-1);
    return index;
  });
}

describe("DataTable", () => {
  it("renders headers, cells, column classes and the caption", () => {
    const html = renderToString(
      <DataTable columns={columns} data={endpoints} getRowId={getRowId} caption="Webhook endpoints" />,
    );

    expect(html).toMatch(/<caption[^>]*class="[^"]*sr-only[^"]*"[^>]*>Webhook endpoints<\/caption>/);
    expect(html).toMatch(/<th[^>]*>URL<\/th>/);
    expect(html).toMatch(/<th[^>]*class="[^"]*text-right[^"]*"[^>]*>Deliveries<\/th>/);
    expect(html).toMatch(/<td[^>]*class="[^"]*tabular-nums[^"]*"[^>]*>3,000<\/td>/);
    expect(html).toContain("https://b.example.com/hook");
    expect(html).toContain("<button type=\"button\">Edit</button>");
    expect(html.match(/<tr/g)).toHaveLength(1 + endpoints.length);
    // Without sorting enabled, headers are plain text and rows keep the given order.
    expect(html).not.toContain("aria-sort");
    const [b, a, c] = positions(html, ["b.example.com", "a.example.com", "c.example.com"]);
    expect(b).toBeLessThan(a!);
    expect(a).toBeLessThan(c!);
    expect(html).not.toContain("<a ");
  });

  it("renders the empty state in a full-width cell when there are no rows", () => {
    const html = renderToString(
      <DataTable columns={columns} data={[]} getRowId={getRowId} emptyState={<p>No endpoints yet</p>} />,
    );

    expect(html).toMatch(/<td[^>]*colSpan="3"[^>]*><p>No endpoints yet<\/p><\/td>/);
    expect(html).toMatch(/<th[^>]*>URL<\/th>/);
  });

  it("falls back to a default empty message", () => {
    const html = renderToString(<DataTable columns={columns} data={[]} getRowId={getRowId} />);

    expect(html).toContain("No results.");
  });

  it("sorts rows by initialSorting and marks the sorted header", () => {
    const html = renderToString(
      <DataTable
        columns={columns}
        data={endpoints}
        getRowId={getRowId}
        initialSorting={[{ id: "deliveries", desc: true }]}
      />,
    );

    const [a, b, c] = positions(html, ["a.example.com", "b.example.com", "c.example.com"]);
    expect(a).toBeLessThan(b!);
    expect(b).toBeLessThan(c!);
    expect(html).toMatch(/<th[^>]*aria-sort="descending"[^>]*><button[^>]*type="button"[^>]*>Deliveries/);
    // Accessor columns get a sort button; unsorted ones carry no aria-sort; display columns stay plain.
    expect(html).toMatch(/<th(?![^>]*aria-sort)[^>]*><button[^>]*>URL/);
    expect(html).toMatch(/<th[^>]*>Actions<\/th>/);
    expect(html.match(/aria-sort=/g)).toHaveLength(1);
  });

  it("sorts text columns ascending", () => {
    const html = renderToString(
      <DataTable columns={columns} data={endpoints} getRowId={getRowId} initialSorting={[{ id: "url", desc: false }]} />,
    );

    const [a, b, c] = positions(html, ["a.example.com", "b.example.com", "c.example.com"]);
    expect(a).toBeLessThan(b!);
    expect(b).toBeLessThan(c!);
    expect(html).toContain('aria-sort="ascending"');
  });

  it("renders sortable headers without a sort when only enableSorting is set", () => {
    const html = renderToString(<DataTable columns={columns} data={endpoints} getRowId={getRowId} enableSorting />);

    expect(html).toMatch(/<th[^>]*><button[^>]*>URL/);
    expect(html).not.toContain("aria-sort");
  });

  it("renders a real link per row in the first column from rowHref", () => {
    const html = renderToString(
      <DataTable columns={columns} data={endpoints} getRowId={getRowId} rowHref={(row) => `/webhooks/${row.id}`} />,
    );

    for (const endpoint of endpoints) {
      expect(html).toMatch(
        new RegExp(`<td[^>]*><a[^>]*href="/webhooks/${endpoint.id}"[^>]*>${endpoint.url.replaceAll(".", "\\.")}</a></td>`),
      );
    }
    expect(html.match(/<a /g)).toHaveLength(endpoints.length);
    expect(html).toMatch(/<tr[^>]*class="[^"]*cursor-pointer/);
  });

  it("puts the row link in the column marked with meta.rowLink", () => {
    const linkedByCount = helper.columns([
      helper.accessor("url", { header: "URL" }),
      helper.accessor("deliveries", { header: "Deliveries", meta: { rowLink: true } }),
    ]);
    const html = renderToString(
      <DataTable
        columns={linkedByCount}
        data={endpoints.slice(0, 1)}
        getRowId={getRowId}
        rowHref={(row) => `/webhooks/${row.id}`}
      />,
    );

    expect(html).toMatch(/<a[^>]*href="\/webhooks\/ep_b"[^>]*>20<\/a>/);
    expect(html.match(/<a /g)).toHaveLength(1);
  });
});
