/** How many requests one API key may make: `ratePerSecond` sustained, bursts of up to `burst`. */
export interface RateLimitPolicy {
  ratePerSecond: number;
  burst: number;
}

/** A key's bucket: the tokens it holds as of `updatedAt` (milliseconds). */
export interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

export interface TokenDecision {
  allowed: boolean;
  bucket: TokenBucket;
  /** When refused: milliseconds until one token is back. */
  retryAfterMs: number;
}

export function assertRateLimitPolicy(policy: RateLimitPolicy): void {
  if (!(policy.ratePerSecond > 0) || !Number.isFinite(policy.ratePerSecond)) {
    throw new RangeError(`rate limit: ratePerSecond must be a positive number, got ${policy.ratePerSecond}`);
  }
  if (!Number.isInteger(policy.burst) || policy.burst < 1) {
    throw new RangeError(`rate limit: burst must be a positive integer, got ${policy.burst}`);
  }
}

/** The tokens a bucket holds at `now` (a new key's bucket is full). A clock going backwards refills nothing. */
export function tokensAt(bucket: TokenBucket | undefined, policy: RateLimitPolicy, now: number): number {
  if (!bucket) return policy.burst;
  const elapsedMs = Math.max(0, now - bucket.updatedAt);
  return Math.min(policy.burst, bucket.tokens + (elapsedMs * policy.ratePerSecond) / 1000);
}

/**
 * Takes one token from a bucket refilled at `ratePerSecond` up to `burst`. Pure: the caller keeps
 * the returned bucket.
 */
export function takeToken(
  bucket: TokenBucket | undefined,
  policy: RateLimitPolicy,
  now: number,
): TokenDecision {
  const available = tokensAt(bucket, policy, now);
  if (available >= 1) {
    return { allowed: true, bucket: { tokens: available - 1, updatedAt: now }, retryAfterMs: 0 };
  }
  return {
    allowed: false,
    bucket: { tokens: available, updatedAt: now },
    retryAfterMs: Math.ceil(((1 - available) * 1000) / policy.ratePerSecond),
  };
}

/**
 * One token bucket per API key id, in this process's memory (each replica limits on its own).
 * Only verified keys get a bucket, so the map is bounded by the number of keys; `maxKeys` bounds it
 * anyway by forgetting buckets that have refilled completely (they would start full again).
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly policy: RateLimitPolicy,
    private readonly options: { maxKeys?: number; now?: () => number } = {},
  ) {
    assertRateLimitPolicy(policy);
  }

  take(keyId: string): { allowed: boolean; retryAfterSeconds: number } {
    const now = (this.options.now ?? Date.now)();
    const decision = takeToken(this.buckets.get(keyId), this.policy, now);
    if (!this.buckets.has(keyId) && this.buckets.size >= (this.options.maxKeys ?? 10_000))
      this.forgetFull(now);
    this.buckets.set(keyId, decision.bucket);
    return { allowed: decision.allowed, retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000) };
  }

  /** Describes the policy for error messages: `20 requests/s (bursts of 40)`. */
  describe(): string {
    return `${this.policy.ratePerSecond} requests/s (bursts of ${this.policy.burst}) per API key`;
  }

  private forgetFull(now: number): void {
    for (const [keyId, bucket] of this.buckets) {
      if (tokensAt(bucket, this.policy, now) >= this.policy.burst) this.buckets.delete(keyId);
    }
  }
}
