/**
 * A token bucket per API key, in this process's memory: `limit` requests per second, with bursts up to `limit`.
 * Several app processes each keep their own buckets, so the effective limit is per process (documented).
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until a request would be allowed again (for Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
  remaining: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limitPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(key: string): RateLimitDecision {
    if (this.limitPerSecond <= 0) return { allowed: true, retryAfterSeconds: 0, remaining: Number.POSITIVE_INFINITY };
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limitPerSecond, updatedAt: now };
    bucket.tokens = Math.min(this.limitPerSecond, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.limitPerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.evictFull(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
    }
    const waitMs = ((1 - bucket.tokens) / this.limitPerSecond) * 1000;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), remaining: 0 };
  }

  /** Buckets that have refilled completely carry no information: drop them so memory stays bounded. */
  private evictFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.limitPerSecond >= this.limitPerSecond) this.buckets.delete(key);
    }
  }
}
