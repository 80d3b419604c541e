import fc from 'fast-check';

/**
 * Random HTTP requests for the fuzz: methods, paths taken from an OpenAPI document, query
 * parameters and bodies that are mostly almost-valid (a valid template with one part mutated) and
 * otherwise hostile: random JSON, deep nesting, huge numbers, wrong types, unicode, broken encodings.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface FuzzRequest {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  headers: Record<string, string>;
  /** Raw bytes or text sent as is. */
  body?: string | Uint8Array;
}

const hostileTexts = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\u202E\u0301',
  '🦔🧬',
  'null',
  'undefined',
  '[]',
  '{}',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9'.repeat(400),
  "'; DROP TABLE items; --",
  '../../etc/passwd',
  '%00',
  '%zz',
  '\\',
  '"',
  '\t\n\r',
  'latest',
  'snapshot:',
  'item:',
  'label:',
  'artifact:',
  '*',
];

/** Text a field or a parameter should never trust. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...hostileTexts),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((text) => text.repeat(300)),
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 53 + 2, 2 ** 64, -(2 ** 63), 1e308, -1e308, 5e-324),
);

/** A random JSON value, wrong in type or size for almost any field. */
export const hostileJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: hostileText },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [null], { '': null }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 50, max: 3000 }).map((depth) => {
      let value: Json = 'bottom';
      for (let level = 0; level < depth; level += 1) value = level % 2 ? [value] : { nested: value };
      return value;
    }),
  },
);

/** Templates are shallow; below this a value (say, a deep nesting put there before) is one leaf. */
const mutableDepth = 8;

/** Every path to a value inside `value` (object keys and array indexes), the root included. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const children =
    value !== null && typeof value === 'object' && prefix.length < mutableDepth
      ? Array.isArray(value)
        ? value.flatMap((child, index) => pathsOf(child, [...prefix, index]))
        : Object.entries(value).flatMap(([key, child]) => pathsOf(child, [...prefix, key]))
      : [];
  return [prefix, ...children];
}

export type Mutation =
  | { kind: 'replace'; value: Json }
  | { kind: 'delete' }
  | { kind: 'add'; key: string; value: Json }
  | { kind: 'wrap' };

/** `value` with the part at the `choice`-th path (modulo their number) mutated; pure. */
export function mutateAt(value: Json, choice: number, mutation: Mutation): Json {
  const paths = pathsOf(value);
  const path = paths[choice % paths.length];
  const apply = (current: Json, rest: (string | number)[]): Json | undefined => {
    if (rest.length === 0) {
      switch (mutation.kind) {
        case 'replace':
          return mutation.value;
        case 'delete':
          return undefined;
        case 'wrap':
          return [current];
        case 'add':
          return current !== null && typeof current === 'object' && !Array.isArray(current)
            ? { ...current, [mutation.key]: mutation.value }
            : mutation.value;
      }
    }
    const [head, ...tail] = rest;
    if (Array.isArray(current)) {
      const copy = [...current];
      const child = apply(copy[head as number], tail);
      if (child === undefined) copy.splice(head as number, 1);
      else copy[head as number] = child;
      return copy;
    }
    const record = { ...(current as Record<string, Json>) };
    const child = apply(record[head], tail);
    if (child === undefined) delete record[head];
    else record[head] = child;
    return record;
  };
  return apply(value, path) ?? null;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: hostileJson.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'delete' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(hostileText, hostileJson)
      .map(([key, value]) => ({ kind: 'add' as const, key, value })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrap' as const }) },
);

/** A valid template as is (about a third of the time) or with one to three parts mutated. */
export function almostValid(template: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc.oneof(
    { weight: 1, arbitrary: template },
    {
      weight: 2,
      arbitrary: fc
        .tuple(template, fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }))
        .map(([value, mutations]) =>
          mutations.reduce((current, [choice, change]) => mutateAt(current, choice, change), value),
        ),
    },
  );
}

/** Bodies that are not JSON at all, or JSON no parser should be trusted with. */
export const brokenBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '[1,',
    '{"a":1e400}',
    `[1${'0'.repeat(5000)}]`,
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '\uFEFF[]',
    'null',
    '"text"',
  ),
  // Under the query API's 64 KiB body limit, so the parser, not the limit, meets them.
  fc.integer({ min: 1000, max: 30_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  // Avro-ish: the Confluent wire format (magic 0, schema id) followed by random bytes.
  fc
    .tuple(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.uint8Array({ maxLength: 300 }))
    .map(([schemaId, payload]) => {
      const bytes = new Uint8Array(5 + payload.length);
      new DataView(bytes.buffer).setUint32(1, schemaId);
      bytes.set(payload, 5);
      return bytes;
    }),
);

export const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');

/** Percent-encoding of any text; lone surrogates (not encodable in UTF-8) become U+FFFD, as on the wire. */
export function encodeText(text: string): string {
  return encodeURIComponent(
    text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );
}

/** A query string of the given parameters (each absent, once or repeated) plus random extra ones. */
export function queryString(parameters: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const entries = Object.entries(parameters).map(([name, value]) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant<[string, string][]>([]) },
      { weight: 4, arbitrary: value.map((text): [string, string][] => [[name, text]]) },
      {
        weight: 1,
        arbitrary: fc.tuple(value, value).map(([a, b]): [string, string][] => [
          [name, a],
          [name, b],
        ]),
      },
    ),
  );
  const extra = fc.array(fc.tuple(hostileText, hostileText), { maxLength: 2 });
  return fc.tuple(fc.tuple(...entries), extra).map(([chosen, more]) => {
    const pairs = [...chosen.flat(), ...more];
    if (pairs.length === 0) return '';
    return `?${pairs.map(([name, text]) => `${encodeText(name)}=${encodeText(text)}`).join('&')}`;
  });
}

/** A path parameter: a known good value, or anything. */
export function pathSegment(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileText },
  );
}

/** The methods and paths of an OpenAPI document. */
export function operationsOf(document: { paths: Record<string, Record<string, unknown>> }): {
  method: string;
  path: string;
}[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

/** Fills `{name}` placeholders of an OpenAPI path from `segments`. */
export function concretePath(
  template: string,
  segments: Record<string, fc.Arbitrary<string>>,
): fc.Arbitrary<string> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  if (names.length === 0) return fc.constant(template);
  return fc
    .tuple(...names.map((name) => segments[name] ?? hostileText))
    .map((values) =>
      names.reduce((path, name, index) => path.replace(`{${name}}`, encodeText(values[index])), template),
    );
}

/**
 * Checks `property` on `runs` values drawn from `arbitrary`, `concurrency` at a time: the services
 * wait on the broker and the database, so one request at a time would leave the machine idle. The
 * values are a function of `seed`, so a failure is replayed by running again with that seed.
 */
export async function checkConcurrently<T>(
  arbitrary: fc.Arbitrary<T>,
  options: { runs: number; seed: number; concurrency: number },
  property: (value: T) => Promise<void>,
): Promise<void> {
  const values = fc.sample(arbitrary, { numRuns: options.runs, seed: options.seed });
  let next = 0;
  let failure: Error | undefined;
  const worker = async () => {
    while (failure === undefined && next < values.length) {
      const value = values[next++];
      try {
        await property(value);
      } catch (error) {
        failure ??= error as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (failure) {
    throw new Error(`${failure.message}\n(replay with STRATA_FUZZ_SEED=${options.seed})`, { cause: failure });
  }
}
