import { describe, expect, it } from 'vitest';
import {
  authorize,
  credentialFromHeaders,
  generateApiKey,
  hashSecret,
  parseApiKey,
  parseNamespaces,
  parseScopes,
  secretMatches,
  type Principal,
} from './keys';
import { ApiKeyVerifier } from './verifier';

const writer: Principal = { keyId: 'k', name: 'pipeline', scopes: ['write'], namespaces: ['vision', 'nlp'] };

describe('API keys', () => {
  it('round-trips a generated key and matches only its own secret', () => {
    const { id, secret, key } = generateApiKey();
    expect(parseApiKey(key)).toEqual({ id, secret });
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
    expect(secretMatches(generateApiKey().secret, hashSecret(secret))).toBe(false);
    expect(parseApiKey('stk_nothex_zz')).toBeUndefined();
  });

  it('authorizes by scope and namespace; admin implies every scope; * every namespace', () => {
    expect(authorize(writer, 'write', 'vision')).toEqual({ allowed: true });
    expect(authorize(writer, 'write', 'audio')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('"audio"'),
    });
    expect(authorize(writer, 'read', 'vision')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('read scope'),
    });
    expect(authorize({ ...writer, scopes: ['admin'], namespaces: ['*'] }, 'write', 'anything')).toEqual({
      allowed: true,
    });
  });

  it('reads Bearer and X-Api-Key credentials', () => {
    expect(credentialFromHeaders({ authorization: 'Bearer stk_abc' })).toBe('stk_abc');
    expect(credentialFromHeaders({ 'x-api-key': ' stk_def ' })).toBe('stk_def');
    expect(credentialFromHeaders({ authorization: 'Basic Zm9v' })).toBeUndefined();
    expect(credentialFromHeaders({})).toBeUndefined();
  });

  it('parses scope and namespace lists, naming what is wrong', () => {
    expect(parseScopes('write, read,write')).toEqual(['write', 'read']);
    expect(() => parseScopes('write,delete')).toThrow(/unknown scope "delete"/);
    expect(() => parseScopes(' , ')).toThrow(/scopes/);
    expect(parseNamespaces('a,b')).toEqual(['a', 'b']);
    expect(() => parseNamespaces('')).toThrow(/namespaces/);
  });
});

describe('ApiKeyVerifier', () => {
  it('caches verdicts for the TTL, then asks the store again', async () => {
    let now = 0;
    let lookups = 0;
    const verifier = new ApiKeyVerifier(
      { verify: async () => ((lookups += 1), writer) },
      { ttlMs: 1000, now: () => now },
    );
    await verifier.verify('key');
    await verifier.verify('key');
    expect(lookups).toBe(1);
    now = 1500;
    await verifier.verify('key');
    expect(lookups).toBe(2);
  });
});
