"use client";

import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from "react";
import { isTimeZone, UTC } from "@/lib/format";

/** The cookie that tells the server the browser's zone, so server-rendered times match it from the second page on. */
export const TIME_ZONE_COOKIE = "herald-tz";

interface TimeZoneSettings {
  /** Chosen in Settings; null: follow the browser. */
  preferred: string | null;
  /** What the server rendered with: the preference, else the browser's zone from the cookie, else UTC. */
  serverZone: string;
  /** The server's clock at render time: relative times hydrate with it, then follow the browser's clock. */
  serverNow: number;
}

const TimeZoneContext = createContext<TimeZoneSettings>({ preferred: null, serverZone: UTC, serverNow: 0 });

const noSubscribe = () => () => {};

function browserZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return isTimeZone(zone) ? zone : UTC;
}

/**
 * Provides the person's time zone to every `<Time>`: the one chosen in Settings, or the browser's. The server renders
 * with its best guess (`serverZone`); after hydration the browser's zone takes over, and is remembered in a cookie.
 */
export function TimeZoneProvider({ children, ...settings }: TimeZoneSettings & { children: ReactNode }) {
  useEffect(() => {
    if (settings.preferred) return;
    const zone = browserZone();
    if (zone !== settings.serverZone) {
      document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    }
  }, [settings.preferred, settings.serverZone]);
  return <TimeZoneContext.Provider value={settings}>{children}</TimeZoneContext.Provider>;
}

/** The zone times are shown in. */
export function useTimeZone(): string {
  const { preferred, serverZone } = useContext(TimeZoneContext);
  return useSyncExternalStore(
    noSubscribe,
    () => preferred ?? browserZone(),
    () => serverZone,
  );
}

/** The browser's own zone; undefined while rendering on the server (which cannot know it). */
export function useBrowserTimeZone(): string | undefined {
  return useSyncExternalStore(noSubscribe, browserZone, () => undefined);
}

/** Whether the zone is the person's choice (Settings) rather than the browser's. */
export function useTimeZonePreference(): string | null {
  return useContext(TimeZoneContext).preferred;
}

const TICK_MS = 5000;

function subscribeClock(onTick: () => void) {
  const timer = setInterval(onTick, TICK_MS);
  return () => clearInterval(timer);
}

// Rounded to the tick, so that the snapshot stays the same between two reads within one render.
const clockSnapshot = () => Math.floor(Date.now() / TICK_MS) * TICK_MS;

/** The current time for relative times: the server's while hydrating, then the browser's, every 5 s. */
export function useNow(): number {
  const { serverNow } = useContext(TimeZoneContext);
  return useSyncExternalStore(subscribeClock, clockSnapshot, () => serverNow || clockSnapshot());
}
