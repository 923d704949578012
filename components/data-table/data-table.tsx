"use client";

import type { MouseEvent, ReactNode } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import {
  createColumnHelper,
  createSortedRowModel,
  metaHelper,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_datetime,
  sortFn_text,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import type { ColumnDef, ColumnHelper, RowData, SortDirection, SortingState } from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";

import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

export type { SortingState } from "@tanstack/react-table";

/** Per-column presentation options, set as `meta` on a column definition. */
export type DataTableColumnMeta = {
  /** Classes for the column's body cells, e.g. `"text-right tabular-nums"`. */
  className?: string;
  /** Classes for the column's header cell, e.g. `"text-right"`. */
  headerClassName?: string;
  /** With `rowHref`, put the row link in this column instead of the first one. */
  rowLink?: boolean;
};

/**
 * Feature set shared by every DataTable. Sorting is registered but only active when a table opts in,
 * because feature registration is fixed per table instance and column types depend on it.
 */
export const dataTableFeatures = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  // `sortFn: "auto"` can only resolve comparators registered here.
  sortFns: {
    alphanumeric: sortFn_alphanumeric,
    basic: sortFn_basic,
    datetime: sortFn_datetime,
    text: sortFn_text,
  },
  columnMeta: metaHelper<DataTableColumnMeta>(),
});

export type DataTableFeatures = typeof dataTableFeatures;

// `any` mirrors TanStack's own `helper.columns()` return type: each column keeps its own value type,
// which a single concrete TValue (or `unknown`) would reject because cell renderers are contravariant in it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DataTableColumn<TRow extends RowData> = ColumnDef<DataTableFeatures, TRow, any>;

/** Column helper bound to DataTable's features, so `meta` and sorting options type-check. */
export function createDataTableColumnHelper<TRow extends RowData>(): ColumnHelper<DataTableFeatures, TRow> {
  return createColumnHelper<DataTableFeatures, TRow>();
}

type RowActivation<TRow> =
  | {
      /** Makes the row navigate here: a real link in the link cell, plus mouse clicks anywhere on the row. */
      rowHref: (row: TRow) => string;
      onRowClick?: never;
    }
  | {
      /**
       * Mouse-only convenience: the row is not focusable, so a cell must also expose an equivalent control
       * (e.g. a button) for keyboard and screen-reader users.
       */
      onRowClick: (row: TRow) => void;
      rowHref?: never;
    }
  | { rowHref?: never; onRowClick?: never };

export type DataTableProps<TRow extends RowData> = {
  /** Keep stable (module scope or memoized); a new array on every render rebuilds the table's models. */
  columns: ReadonlyArray<DataTableColumn<TRow>>;
  /** Rendered as given, apart from optional client-side sorting; paging and filtering belong to the caller. */
  data: ReadonlyArray<TRow>;
  getRowId: (row: TRow) => string;
  /** Client-side sorting of `data` by clicking headers. Defaults to on when `initialSorting` is given. */
  enableSorting?: boolean;
  /** Sort applied on first render, e.g. `[{ id: "createdAt", desc: true }]`. Read only at mount. */
  initialSorting?: SortingState;
  /** Shown in a full-width cell when `data` is empty. */
  emptyState?: ReactNode;
  /** Accessible name for the table; visually hidden. */
  caption?: ReactNode;
  /** Classes for the `<table>` element. */
  className?: string;
} & RowActivation<TRow>;

// A click on any of these belongs to that control, not to the row.
const INTERACTIVE_SELECTOR = [
  "a[href]",
  "button",
  "input",
  "select",
  "textarea",
  "label",
  "summary",
  "[role=button]",
  "[role=link]",
  "[role=checkbox]",
  "[role=switch]",
  "[role=menuitem]",
  "[contenteditable]:not([contenteditable=false])",
  "[data-row-click-ignore]",
].join(",");

function isRowOwnClick(event: MouseEvent<HTMLTableRowElement>): boolean {
  const target = event.target;
  if (!(target instanceof Element)) return false;
  // React bubbles events from portals (menus, dialogs) through the row even though they are not inside it.
  if (!event.currentTarget.contains(target)) return false;
  const interactive = target.closest(INTERACTIVE_SELECTOR);
  if (interactive && event.currentTarget.contains(interactive)) return false;
  // Finishing a text selection (e.g. to copy a URL) must not navigate away.
  const selection = window.getSelection();
  return !selection || selection.isCollapsed;
}

const ARIA_SORT = { asc: "ascending", desc: "descending" } as const;

function SortIcon({ direction }: { direction: false | SortDirection }) {
  if (direction === "asc") return <ArrowUp aria-hidden="true" />;
  if (direction === "desc") return <ArrowDown aria-hidden="true" />;
  return <ArrowUpDown aria-hidden="true" className="opacity-50" />;
}

export function DataTable<TRow extends RowData>({
  columns,
  data,
  getRowId,
  enableSorting,
  initialSorting,
  emptyState,
  caption,
  className,
  rowHref,
  onRowClick,
}: DataTableProps<TRow>) {
  const router = useRouter();
  const table = useTable({
    features: dataTableFeatures,
    columns,
    data,
    getRowId,
    enableSorting: enableSorting ?? initialSorting !== undefined,
    // aria-sort is meant for one header at a time, so keep to a single sorted column.
    enableMultiSort: false,
    initialState: initialSorting ? { sorting: initialSorting } : undefined,
  });

  const leafColumns = table.getAllLeafColumns();
  const linkColumnId = rowHref
    ? (leafColumns.find((column) => column.columnDef.meta?.rowLink) ?? leafColumns[0])?.id
    : undefined;
  const rows = table.getRowModel().rows;
  const clickable = rowHref !== undefined || onRowClick !== undefined;

  function handleRowClick(event: MouseEvent<HTMLTableRowElement>, original: TRow) {
    if (event.defaultPrevented || event.button !== 0 || !isRowOwnClick(event)) return;
    if (onRowClick) {
      onRowClick(original);
      return;
    }
    if (!rowHref) return;
    const href = rowHref(original);
    // Match what the same modified click would do on the row's link.
    if (event.metaKey || event.ctrlKey || event.shiftKey) {
      window.open(href, "_blank", "noopener");
    } else {
      router.push(href);
    }
  }

  return (
    <Table className={className}>
      {caption ? <TableCaption className="sr-only">{caption}</TableCaption> : null}
      <TableHeader>
        {table.getHeaderGroups().map((headerGroup) => (
          <TableRow key={headerGroup.id} className="hover:bg-transparent">
            {headerGroup.headers.map((header) => {
              const meta = header.column.columnDef.meta;
              const sorted = header.column.getIsSorted();
              const sortable = !header.isPlaceholder && header.column.getCanSort();
              return (
                <TableHead
                  key={header.id}
                  colSpan={header.colSpan}
                  aria-sort={sortable && sorted ? ARIA_SORT[sorted] : undefined}
                  className={meta?.headerClassName}
                >
                  {header.isPlaceholder ? null : sortable ? (
                    <Button
                      type="button"
                      variant="ghost"
                      size="sm"
                      className="-mx-2 h-8 px-2 text-sm font-medium"
                      onClick={header.column.getToggleSortingHandler()}
                    >
                      <table.FlexRender header={header} />
                      <SortIcon direction={sorted} />
                    </Button>
                  ) : (
                    <table.FlexRender header={header} />
                  )}
                </TableHead>
              );
            })}
          </TableRow>
        ))}
      </TableHeader>
      <TableBody>
        {rows.length === 0 ? (
          <TableRow className="hover:bg-transparent">
            <TableCell colSpan={Math.max(leafColumns.length, 1)} className="h-24 text-center text-muted-foreground">
              {emptyState ?? "No results."}
            </TableCell>
          </TableRow>
        ) : (
          rows.map((row) => {
            const href = rowHref?.(row.original);
            return (
              <TableRow
                key={row.id}
                className={cn(clickable && "cursor-pointer")}
                onClick={clickable ? (event) => handleRowClick(event, row.original) : undefined}
              >
                {row.getAllCells().map((cell) => {
                  const content = <table.FlexRender cell={cell} />;
                  return (
                    <TableCell key={cell.id} className={cell.column.columnDef.meta?.className}>
                      {href !== undefined && cell.column.id === linkColumnId ? (
                        <Link
                          href={href}
                          className="rounded-sm font-medium underline-offset-4 hover:underline focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background"
                        >
                          {content}
                        </Link>
                      ) : (
                        content
                      )}
                    </TableCell>
                  );
                })}
              </TableRow>
            );
          })
        )}
      </TableBody>
    </Table>
  );
}
