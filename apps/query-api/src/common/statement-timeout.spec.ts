import { describe, expect, it } from 'vitest';
import { withJitOff, withStatementTimeout } from './statement-timeout';

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

describe('withJitOff', () => {
  it('turns JIT off through the startup options, keeping the rest', () => {
    const url = new URL(withJitOff('postgres://u:p@db:5432/strata?statement_timeout=100'));
    expect(url.searchParams.get('options')).toBe('-c jit=off');
    expect(url.searchParams.get('statement_timeout')).toBe('100');
    expect(url.password).toBe('p');
  });

  it('adds to options the operator gave, and keeps a jit setting of theirs', () => {
    const given = new URL(withJitOff('postgres://db/strata?options=-c%20work_mem%3D64MB'));
    expect(given.searchParams.get('options')).toBe('-c work_mem=64MB -c jit=off');
    const own = new URL(withJitOff('postgres://db/strata?options=-c%20jit%3Don'));
    expect(own.searchParams.get('options')).toBe('-c jit=on');
  });
});
