import fc from 'fast-check';
import {
  almostValid,
  anyMethod,
  brokenBody,
  concretePath,
  hostileText,
  operationsOf,
  pathSegment,
  queryString,
  type FuzzRequest,
  type Json,
} from './arbitraries';

/** Which key a request presents, by role; `none` and `garbage` test the door itself. */
export type KeyRole = 'admin' | 'writer' | 'reader' | 'otherReader' | 'none' | 'garbage';

export type KeyRing = Partial<Record<KeyRole, string>>;

function authHeader(keys: KeyRing, role: KeyRole): Record<string, string> {
  if (role === 'none') return {};
  if (role === 'garbage') return { authorization: 'Bearer stk_not_a_key' };
  const key = keys[role];
  return key ? { authorization: `Bearer ${key}` } : {};
}

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'text/plain',
      'application/octet-stream',
      'application/vnd.kafka.avro.v2+json',
      'application/json; charset=latin1',
      'multipart/form-data; boundary=x',
      '',
    ),
  },
);

const body = (value: fc.Arbitrary<Json>) =>
  fc.oneof(
    { weight: 6, arbitrary: value.map((json) => JSON.stringify(json)) },
    { weight: 1, arbitrary: brokenBody },
  );

// ---- gateway ----------------------------------------------------------------------------------

const fuzzNamespace = fc.constantFrom('fuzz', 'fuzz-b');
const itemId = fc.constantFrom('fz-1', 'fz-2', 'img-a');
const epochMillis = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 });
const uuid = fc.uuid({ version: 4 });
const envelope = fc.record({
  eventId: uuid,
  eventTime: epochMillis,
  namespace: fuzzNamespace,
  producer: fc.constant({ name: 'fuzz', version: '1' }),
  actor: fc.constant({ kind: 'HUMAN', id: 'fuzzer' }),
});
const author = fc.constant({ kind: 'HUMAN', id: 'fuzzer' });
const payload = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value));
const artifact = fc.record({
  kind: fc.constantFrom('ITEM', 'DATASET', 'MODEL', 'FILE'),
  id: fc.constantFrom('fz-1', 'set', 'model', 'file.csv'),
  version: fc.option(fc.constantFrom('1', 'sha256:x'), { nil: null }),
});
const event = (type: string, fields: Record<string, fc.Arbitrary<Json>>) =>
  fc.record({ type: fc.constant(type), event: fc.record({ envelope, ...fields }) }) as fc.Arbitrary<Json>;

/** Valid events of every type (the projector may still dead-letter some: the gateway checks shape). */
const strataEvent: fc.Arbitrary<Json> = fc.oneof(
  event('ItemRegistered', {
    itemId,
    uri: fc.constant('s3://bucket/fz.jpg'),
    contentHash: fc.constant('sha256:fz'),
    mediaType: fc.constant('image/jpeg'),
    datasets: fc.array(fc.constantFrom('pets', 'fz'), { maxLength: 2 }),
    source: fc.constant(null),
    license: fc.constant(null),
    attributes: fc.constant({}),
  }),
  event('LabelCreated', {
    itemId,
    labelId: uuid,
    task: fc.constantFrom('class', 'bbox'),
    payload,
    author,
    tool: fc.constant(null),
    confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    guidelineVersion: fc.constant(null),
  }),
  event('LabelCorrected', {
    itemId,
    labelId: uuid,
    parents: fc.array(uuid, { minLength: 1, maxLength: 2 }),
    reason: fc.constant(null),
    task: fc.constant('class'),
    payload,
    author,
    tool: fc.constant(null),
    confidence: fc.constant(null),
    guidelineVersion: fc.constant(null),
  }),
  event('LabelReviewed', {
    itemId,
    labelId: uuid,
    verdict: fc.constantFrom('APPROVED', 'REJECTED'),
    reviewer: author,
    comment: fc.constant(null),
  }),
  event('LabelRetracted', { itemId, labelId: uuid, reason: fc.constant('mistake') }),
  event('RunStarted', {
    runId: uuid,
    job: fc.constant({ namespace: 'airflow', name: 'prep' }),
    parentRunId: fc.constant(null),
    codeVersion: fc.constant(null),
    parameters: payload,
  }),
  event('TransformationApplied', {
    runId: uuid,
    stepId: uuid,
    operation: fc.constant({ name: 'resize', version: '1' }),
    parameters: payload,
    inputs: fc.array(artifact, { maxLength: 2 }),
    outputs: fc.array(artifact, { maxLength: 2 }),
    inputRecords: fc.constant(null),
    outputRecords: fc.constant(null),
    metrics: fc.constant({}),
    startedAt: epochMillis,
    endedAt: epochMillis,
  }),
  event('RunCompleted', {
    runId: uuid,
    status: fc.constantFrom('COMPLETED', 'FAILED', 'ABORTED'),
    metrics: fc.constant({}),
    error: fc.constant(null),
  }),
);

const openLineageEvent: fc.Arbitrary<Json> = fc.record({
  eventType: fc.constantFrom('START', 'RUNNING', 'COMPLETE', 'FAIL', 'ABORT', 'OTHER'),
  eventTime: fc.constantFrom('2020-12-28T19:52:00.001+10:00', '2026-01-01T00:00:00Z'),
  run: fc.record({ runId: uuid }),
  job: fc.constant({ namespace: 'workshop', name: 'process_taxes' }),
  inputs: fc.constant([{ namespace: 'postgres://db', name: 'public.taxes' }]),
  outputs: fc.constant([{ namespace: 'postgres://db', name: 'public.unpaid' }]),
  producer: fc.constant('https://github.com/OpenLineage/OpenLineage/blob/v1-0-0/client'),
}) as unknown as fc.Arbitrary<Json>;

const labelStudioWebhook: fc.Arbitrary<Json> = fc.record({
  action: fc.constantFrom('ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_DELETED'),
  annotation: fc.record({
    id: fc.nat({ max: 1000 }),
    result: fc.constant([
      { value: { choices: ['cat'] }, id: 'r1', from_name: 'class', to_name: 'image', type: 'choices' },
    ]),
    created_at: fc.constant('2021-08-17T13:52:48.536303Z'),
    updated_at: fc.constant('2021-08-17T13:52:48.536370Z'),
    task: fc.nat({ max: 1000 }),
    completed_by: fc.constant(1),
  }),
  project: fc.constant({ id: 2, title: 'Fuzz', label_config: '<View/>' }),
}) as unknown as fc.Arbitrary<Json>;

const gatewayIngest: fc.Arbitrary<{ path: string; query: fc.Arbitrary<string>; body: fc.Arbitrary<Json> }> =
  fc.constantFrom(
    {
      path: '/v1/events',
      query: queryString({ partial: fc.constantFrom('true', 'false', 'yes', '') }),
      body: almostValid(fc.array(almostValid(strataEvent), { minLength: 1, maxLength: 4 })),
    },
    {
      path: '/api/v1/lineage',
      query: queryString({ namespace: fc.oneof(fuzzNamespace, hostileText) }),
      body: almostValid(openLineageEvent),
    },
    {
      path: '/api/v1/lineage/batch',
      query: queryString({ namespace: fc.oneof(fuzzNamespace, hostileText) }),
      body: almostValid(fc.array(almostValid(openLineageEvent), { maxLength: 3 })),
    },
    {
      path: '/v1/webhooks/label-studio',
      query: queryString({ namespace: fc.oneof(fuzzNamespace, hostileText) }),
      body: almostValid(labelStudioWebhook),
    },
  );

const gatewayRole = fc.oneof(
  { weight: 14, arbitrary: fc.constant<KeyRole>('admin') },
  { weight: 3, arbitrary: fc.constant<KeyRole>('writer') },
  { weight: 1, arbitrary: fc.constantFrom<KeyRole>('reader', 'none', 'garbage') },
);

/** Requests to the gateway: mostly ingest with almost-valid bodies, sometimes any of its operations. */
export function gatewayRequests(
  document: { paths: Record<string, Record<string, unknown>> },
  keys: KeyRing,
): fc.Arbitrary<FuzzRequest> {
  const ingest = gatewayIngest.chain(({ path, query, body: value }) =>
    fc.tuple(query, body(value), contentType, gatewayRole).map(([search, text, type, role]) => ({
      method: 'POST',
      path: `${path}${search}`,
      headers: { ...(type ? { 'content-type': type } : {}), ...authHeader(keys, role) },
      body: text,
    })),
  );
  const anyOperation = fc
    .tuple(
      fc.constantFrom(...operationsOf(document)),
      anyMethod,
      fc.boolean(),
      body(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>),
      gatewayRole,
    )
    .map(([operation, method, documented, text, role]) => ({
      method: documented ? operation.method : method,
      path: operation.path,
      headers: { 'content-type': 'application/json', ...authHeader(keys, role) },
      body: text,
    }));
  return fc.oneof({ weight: 8, arbitrary: ingest }, { weight: 1, arbitrary: anyOperation });
}

// ---- query API --------------------------------------------------------------------------------

export interface KnownIds {
  itemIds: string[];
  labelIds: string[];
  runIds: string[];
  snapshotIds: string[];
}

function queryParameterValues(known: KnownIds): Record<string, fc.Arbitrary<string>> {
  const node = fc.oneof(
    fc.constantFrom(...known.itemIds.map((id) => `item:${id}`)),
    fc.constantFrom(...known.labelIds.map((id) => `label:${id}`)),
    fc.constantFrom(...known.runIds.map((id) => `run:${id}`)),
    fc.constantFrom(...known.snapshotIds.map((id) => `snapshot:${id}`)),
    fc.constantFrom('artifact:file:raw.zip', 'artifact:model:resnet@1', 'artifact:item:img-a'),
    fc
      .tuple(fc.constantFrom('item', 'label', 'run', 'artifact', 'snapshot', 'widget'), hostileText)
      .map(([kind, id]) => `${kind}:${id}`),
    hostileText,
  );
  const offsetVector = fc
    .array(
      fc.tuple(
        fc.constantFrom('strata.items', 'strata.runs', 'other'),
        fc.oneof(fc.nat({ max: 3 }), fc.integer()),
        fc.oneof(fc.nat({ max: 60 }), fc.constantFrom(-1, 2 ** 53, 1e21)),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((positions) =>
      positions.map(([topic, partition, offset]) => `${topic}:${partition}=${offset}`).join(','),
    );
  const asOf = fc.oneof(
    fc.constant('latest'),
    fc
      .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString()),
    offsetVector,
    fc.constantFrom(...known.snapshotIds.map((id) => `snapshot:${id}`)),
    uuid.map((id) => `snapshot:${id}`),
    hostileText,
  );
  const integer = fc.oneof(fc.nat({ max: 12 }).map(String), fc.integer().map(String), hostileText);
  return {
    asOf,
    node,
    depth: integer,
    limit: integer,
    direction: fc.oneof(fc.constantFrom('upstream', 'downstream', 'both'), hostileText),
    cursor: fc.oneof(fc.base64String({ maxLength: 40 }), hostileText),
    strategy: fc.oneof(fc.constantFrom('latest', 'all-leaves', 'majority', 'unresolved'), hostileText),
    field: fc.oneof(fc.constantFrom('class', 'box.label'), hostileText),
    dataset: fc.oneof(fc.constantFrom('pets', 'cars'), hostileText),
    task: fc.oneof(fc.constantFrom('class', 'bbox'), hostileText),
  };
}

const snapshotBody: fc.Arbitrary<Json> = fc.record(
  {
    name: fc.constantFrom('fuzz-release', 'r'),
    dataset: fc.constantFrom('pets', 'cars'),
    strategy: fc.constantFrom('latest', 'all-leaves', 'majority', 'unresolved'),
    field: fc.constant('class'),
    asOf: fc.constantFrom('latest', '2026-01-01T00:00:30Z'),
  },
  { requiredKeys: ['name'] },
) as fc.Arbitrary<Json>;

const queryRole = fc.oneof(
  { weight: 8, arbitrary: fc.constant<KeyRole>('reader') },
  { weight: 3, arbitrary: fc.constantFrom<KeyRole>('admin', 'otherReader') },
  { weight: 1, arbitrary: fc.constantFrom<KeyRole>('writer', 'none', 'garbage') },
);

/** Requests to the query API over every operation of its OpenAPI document. */
export function queryApiRequests(
  document: {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  },
  keys: KeyRing,
  known: KnownIds,
): fc.Arbitrary<FuzzRequest> {
  const values = queryParameterValues(known);
  const segments = {
    itemId: pathSegment(known.itemIds),
    labelId: pathSegment(known.labelIds),
    snapshotId: pathSegment(known.snapshotIds),
  };
  const operations = operationsOf(document).map(({ method, path }) => {
    const parameters = (document.paths[path][method.toLowerCase()].parameters ?? [])
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => parameter.name);
    const query = queryString(
      Object.fromEntries(parameters.map((name) => [name, values[name] ?? hostileText])),
    );
    return fc
      .tuple(
        concretePath(path, segments),
        query,
        queryRole,
        body(almostValid(snapshotBody)),
        anyMethod,
        fc.nat(20),
      )
      .map(([concrete, search, role, text, otherMethod, dice]) => {
        // Mostly the documented method; now and then another one on the same path.
        const chosen = dice === 0 ? otherMethod : method;
        const request: FuzzRequest = {
          method: chosen,
          path: `${concrete}${search}`,
          headers: authHeader(keys, chosen === 'POST' && dice % 2 === 0 ? 'admin' : role),
        };
        if (chosen !== 'GET' && chosen !== 'HEAD') {
          request.headers['content-type'] = 'application/json';
          request.body = text;
        }
        return request;
      });
  });
  return fc.oneof(...operations);
}
