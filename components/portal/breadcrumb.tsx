import Link from "next/link";

/** "Webhooks / New": where the page sits, with a link back. */
export function Breadcrumb({ parent, current }: { parent: { href: string; label: string }; current: string }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
      <Link href={parent.href} className="hover:text-foreground hover:underline">
        {parent.label}
      </Link>{" "}
      / <span aria-current="page">{current}</span>
    </nav>
  );
}
