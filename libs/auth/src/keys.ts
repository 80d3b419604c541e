import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const apiKeyScopes = ['read', 'write', 'admin'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** Grants every namespace when present in a key's namespace list. */
export const allNamespaces = '*';

/** What a verified key may do; never carries the secret or its hash. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: ApiKeyScope[];
  namespaces: string[];
}

const keyPattern = /^stk_([0-9a-f]{16})_([0-9a-f]{64})$/;

/**
 * A new key: a public id (the row's primary key, so lookup needs no scan) and a 256-bit random secret.
 * The printed form `stk_<id>_<secret>` is what producers send.
 */
export function generateApiKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('hex');
  return { id, secret, key: `stk_${id}_${secret}` };
}

export function parseApiKey(key: string): { id: string; secret: string } | undefined {
  const match = keyPattern.exec(key.trim());
  return match ? { id: match[1], secret: match[2] } : undefined;
}

/**
 * SHA-256, not scrypt: the secret is 256 bits from the CSPRNG, so guessing it from a leaked hash is
 * infeasible without any key stretching. Slow KDFs exist to protect low-entropy human passwords; here
 * they would only add tens of milliseconds of CPU to every ingest request.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

/** Whether `principal` may use `scope` on `namespace`; admin implies every scope. */
export function authorize(principal: Principal, scope: ApiKeyScope, namespace?: string): AccessDecision {
  if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
    return { allowed: false, reason: `API key "${principal.name}" lacks the ${scope} scope` };
  }
  if (
    namespace !== undefined &&
    !principal.namespaces.includes(allNamespaces) &&
    !principal.namespaces.includes(namespace)
  ) {
    return {
      allowed: false,
      reason: `API key "${principal.name}" may not ${scope} namespace "${namespace}"`,
    };
  }
  return { allowed: true };
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
export function credentialFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const authorization = firstHeader(headers.authorization);
  if (authorization) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (bearer) return bearer[1];
  }
  return firstHeader(headers['x-api-key'])?.trim() || undefined;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a comma-separated scope list, naming the first unknown scope. */
export function parseScopes(list: string): ApiKeyScope[] {
  const scopes = splitList(list);
  if (scopes.length === 0) throw new Error(`scopes: give at least one of ${apiKeyScopes.join(', ')}`);
  for (const scope of scopes) {
    if (!(apiKeyScopes as readonly string[]).includes(scope)) {
      throw new Error(`scopes: unknown scope "${scope}" (expected ${apiKeyScopes.join(', ')})`);
    }
  }
  return scopes as ApiKeyScope[];
}

export function parseNamespaces(list: string): string[] {
  const namespaces = splitList(list);
  if (namespaces.length === 0) throw new Error(`namespaces: give at least one namespace, or '*'`);
  return namespaces;
}

function splitList(list: string): string[] {
  return [
    ...new Set(
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),
  ];
}
