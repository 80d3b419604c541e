import type { Principal } from './keys';
import type { ApiKeyStore } from './store';

interface CachedVerdict {
  principal: Principal | undefined;
  expiresAt: number;
}

/**
 * Verifies keys through the store with a short-lived cache, so a busy producer costs one database
 * lookup per `ttlMs` instead of one per request. A revocation therefore takes effect within `ttlMs`.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, CachedVerdict>();

  constructor(
    private readonly store: Pick<ApiKeyStore, 'verify'>,
    private readonly options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  async verify(key: string): Promise<Principal | undefined> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.principal;
    const principal = await this.store.verify(key);
    // Bounded: a flood of random keys must not grow memory without limit.
    if (this.cache.size >= (this.options.maxEntries ?? 1000)) this.cache.clear();
    this.cache.set(key, { principal, expiresAt: now + (this.options.ttlMs ?? 5000) });
    return principal;
  }
}
