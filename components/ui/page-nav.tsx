import Link from "next/link";

/**
 * Newest, Newer and Older under a keyset-paged list (Logs, the Audit log, Admin -> Emails), and the total above it
 * (`ListTotal`): one look and one set of names on every list.
 */
export function PageNav({ newestHref, newerHref, olderHref }: { newestHref?: string; newerHref?: string; olderHref?: string }) {
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-2 text-sm">
      <span className="flex gap-4">
        {newerHref && newestHref ? (
          <>
            <Link href={newestHref} className="text-primary hover:underline">
              « Newest
            </Link>
            <Link href={newerHref} className="text-primary hover:underline" rel="prev">
              ‹ Newer
            </Link>
          </>
        ) : null}
      </span>
      {olderHref ? (
        <Link href={olderHref} className="text-primary hover:underline" rel="next">
          Older ›
        </Link>
      ) : null}
    </nav>
  );
}

/** "120 deliveries match", "about 12,400 events (estimated)": the count of a list, said politely when it changes. */
export function ListTotal({ text, exact, testId }: { text: string; exact: boolean; testId: string }) {
  return (
    <p className="mb-2 text-sm text-muted-foreground" data-testid={testId} aria-live="polite">
      {text}
      {exact ? null : <span title="Counted exactly up to 1,000; above that PostgreSQL's estimate"> (estimated)</span>}
    </p>
  );
}
