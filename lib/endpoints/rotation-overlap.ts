/**
 * How long the credential a rotation replaces keeps signing next to the new one: the owner's choice when rotating
 * (or switching scheme). "now" ends it at once (only the new credential signs); 24 hours unless chosen otherwise.
 * No Node.js imports: the endpoint page's rotate dialog offers these choices too.
 */
export const ROTATION_OVERLAPS = ["now", "1h", "24h", "7d"] as const;
export type RotationOverlap = (typeof ROTATION_OVERLAPS)[number];

export const DEFAULT_ROTATION_OVERLAP: RotationOverlap = "24h";

const HOUR_MS = 60 * 60 * 1000;

export const ROTATION_OVERLAP_MS: Record<RotationOverlap, number> = {
  now: 0,
  "1h": HOUR_MS,
  "24h": 24 * HOUR_MS,
  "7d": 7 * 24 * HOUR_MS,
};

export const ROTATION_OVERLAP_LABELS: Record<RotationOverlap, string> = {
  now: "Expire the old one now",
  "1h": "1 hour",
  "24h": "24 hours",
  "7d": "7 days",
};

/** When the replaced credential stops signing, or null when it stops at once (no overlap). */
export function overlapEndsAt(overlap: RotationOverlap, now: Date): Date | null {
  const ms = ROTATION_OVERLAP_MS[overlap];
  return ms > 0 ? new Date(now.getTime() + ms) : null;
}
