"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useId } from "react";
import { Switch } from "@/components/ui/switch";

const REFRESH_MS = 5000;

/** "Live": re-reads the page every 5 s while on. Kept in the URL (`live=1`), so a live view can be shared too. */
export function LiveToggle() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const id = useId();
  const live = params.get("live") === "1";

  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, router]);

  function toggle(on: boolean) {
    const next = new URLSearchParams(params.toString());
    if (on) next.set("live", "1");
    else next.delete("live");
    // A live view follows the newest deliveries: an older page would never change.
    next.delete("before");
    const query = next.toString();
    router.replace(query ? `${pathname}?${query}` : pathname);
  }

  return (
    <div className="flex items-center gap-2">
      <Switch id={id} checked={live} onCheckedChange={toggle} />
      <label htmlFor={id} className="text-sm font-medium">
        Live
      </label>
      {live ? (
        <span className="flex items-center gap-1 text-xs text-muted-foreground" aria-live="polite">
          <span className="size-2 animate-pulse rounded-full bg-success" aria-hidden /> refreshing every 5 s
        </span>
      ) : null}
    </div>
  );
}
