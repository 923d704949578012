"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId } from "react";
import { useUrlState } from "@/components/hooks/use-url-state";
import { Switch } from "@/components/ui/switch";

const REFRESH_MS = 5000;
const LIVE_KEYS = ["live"] as const;

/** "Live": re-reads the page every 5 s while on. Kept in the URL (`live=1`), so a live view can be shared too. */
export function LiveToggle() {
  const router = useRouter();
  const { state, set } = useUrlState(LIVE_KEYS);
  const id = useId();
  const live = state.live === "1";

  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, router]);

  function toggle(on: boolean) {
    // A live view follows the newest deliveries: an older page would never change.
    set({ live: on ? "1" : null, before: null, after: null }, { history: "replace" });
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
