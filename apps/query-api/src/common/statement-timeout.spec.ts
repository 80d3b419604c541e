import { describe, expect, it } from 'vitest';
import { withStatementTimeout } from './statement-timeout';

describe('withStatementTimeout', () => {
  it('adds the timeout to the URL, keeping the rest', () => {
    const url = new URL(withStatementTimeout('postgres://u:p@db:5432/strata?sslmode=disable', 2500));
    expect(url.searchParams.get('statement_timeout')).toBe('2500');
    expect(url.searchParams.get('sslmode')).toBe('disable');
    expect(url.pathname).toBe('/strata');
    expect(url.password).toBe('p');
  });

  it('keeps a timeout the operator put in the URL', () => {
    const url = new URL(withStatementTimeout('postgres://db/strata?statement_timeout=100', 2500));
    expect(url.searchParams.get('statement_timeout')).toBe('100');
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects %s naming the limit', (ms) => {
    expect(() => withStatementTimeout('postgres://db/strata', ms)).toThrow(/statementTimeoutMs/);
  });
});
