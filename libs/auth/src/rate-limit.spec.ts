import { describe, expect, it } from 'vitest';
import { KeyRateLimiter, takeToken, type TokenBucket } from './rate-limit';

const policy = { ratePerSecond: 2, burst: 3 };

describe('takeToken', () => {
  it('lets a new key burst, then refuses with the wait until the next token', () => {
    let bucket: TokenBucket | undefined;
    const allowed: boolean[] = [];
    for (let request = 0; request < 4; request += 1) {
      const decision = takeToken(bucket, policy, 1000);
      bucket = decision.bucket;
      allowed.push(decision.allowed);
      if (!decision.allowed) expect(decision.retryAfterMs).toBe(500);
    }
    expect(allowed).toEqual([true, true, true, false]);
  });

  it('refills at the rate, never above the burst', () => {
    const empty: TokenBucket = { tokens: 0, updatedAt: 0 };
    expect(takeToken(empty, policy, 250)).toMatchObject({ allowed: false, retryAfterMs: 250 });
    expect(takeToken(empty, policy, 500)).toMatchObject({ allowed: true, bucket: { tokens: 0 } });
    expect(takeToken(empty, policy, 60_000).bucket.tokens).toBe(policy.burst - 1);
  });

  it('refills nothing when the clock goes backwards', () => {
    expect(takeToken({ tokens: 0, updatedAt: 1000 }, policy, 0).allowed).toBe(false);
  });
});

describe('KeyRateLimiter', () => {
  it('keeps one bucket per key and rounds Retry-After up to whole seconds', () => {
    let now = 0;
    const limiter = new KeyRateLimiter({ ratePerSecond: 0.5, burst: 1 }, { now: () => now });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(limiter.take('b').allowed).toBe(true);
    now = 2000;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.describe()).toBe('0.5 requests/s (bursts of 1) per API key');
  });

  it('forgets full buckets when it holds too many keys, keeping the ones that are spent', () => {
    let now = 0;
    const limiter = new KeyRateLimiter({ ratePerSecond: 1, burst: 1 }, { maxKeys: 2, now: () => now });
    limiter.take('spent-long-ago');
    now = 10_000;
    limiter.take('spent-now');
    limiter.take('new');
    // 'spent-now' kept its empty bucket; a forgotten bucket would have let it through.
    expect(limiter.take('spent-now').allowed).toBe(false);
  });

  it.each([
    [{ ratePerSecond: 0, burst: 1 }, /ratePerSecond/],
    [{ ratePerSecond: 1, burst: 0 }, /burst/],
    [{ ratePerSecond: Number.NaN, burst: 1 }, /ratePerSecond/],
  ])('rejects the policy %o naming the field', (bad, message) => {
    expect(() => new KeyRateLimiter(bad)).toThrow(message);
  });
});
