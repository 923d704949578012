import { describe, expect, it } from "vitest";
import { countText, listHref, pageWindow } from "./paging";

const rows = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("keyset pages", () => {
  it("the first page: Older only when the query found one row more", () => {
    expect(pageWindow(rows(4), {}, 3)).toEqual({ page: [0, 1, 2], hasNewer: false, hasOlder: true });
    expect(pageWindow(rows(3), {}, 3)).toEqual({ page: [0, 1, 2], hasNewer: false, hasOlder: false });
  });

  it("an Older page always has Newer; a Newer page's extra row is its newest (before its start)", () => {
    expect(pageWindow(rows(2), { before: "c" }, 3)).toEqual({ page: [0, 1], hasNewer: true, hasOlder: false });
    expect(pageWindow(rows(4), { after: "c" }, 3)).toEqual({ page: [1, 2, 3], hasNewer: true, hasOlder: true });
    expect(pageWindow(rows(3), { after: "c" }, 3)).toEqual({ page: [0, 1, 2], hasNewer: false, hasOlder: true });
    expect(pageWindow([], { after: "c" }, 3)).toEqual({ page: [], hasNewer: false, hasOlder: false });
  });
});

describe("totals", () => {
  it("exact, or about (three significant figures)", () => {
    expect(countText({ count: 1, exact: true }, ["event", "events"])).toBe("1 event");
    expect(countText({ count: 1200, exact: true }, ["email", "emails"])).toBe("1,200 emails");
    expect(countText({ count: 12_437, exact: false }, ["delivery", "deliveries"])).toBe("about 12,400 deliveries");
    expect(countText({ count: 1001, exact: false }, ["event", "events"])).toBe("about 1,000 events");
  });

  it("links leave empty parameters out", () => {
    expect(listHref("/admin/emails", { status: "failed", to: undefined, before: "" })).toBe("/admin/emails?status=failed");
    expect(listHref("/admin/emails", {})).toBe("/admin/emails");
  });
});
