import { describe, expect, it } from 'vitest';
import { parseWithPythonProv } from '../../../../test/query-api/support/python-prov';
import { item, labelNode } from './label-fixtures';
import { buildProvDocument, labelEntityId, provPrefixes, type ProvenanceFacts } from './prov-json';

const root = labelNode(1, { class: 'cat' }, { itemId: 'img 1:odd@id' });
const correction = labelNode(
  2,
  { class: 'dog' },
  {
    itemId: 'img 1:odd@id',
    parents: [root.labelId],
    author: { kind: 'MODEL', id: 'resnet-50' },
    reason: 'wrong animal',
  },
);
const runId = '6f9619ff-8b86-4011-b42d-00c04fc964ff';
const facts: ProvenanceFacts = {
  items: [item('img 1:odd@id')],
  labels: [root, correction],
  reviews: [
    {
      labelId: correction.labelId,
      verdict: 'APPROVED',
      reviewer: { kind: 'HUMAN', id: 'rev-1' },
      comment: null,
      position: { ...correction.position, offset: 3 },
    },
  ],
  retractions: [],
  runs: [
    {
      runId,
      job: { namespace: 'etl', name: 'resize' },
      parentRunId: null,
      codeVersion: 'git:abc123',
      parameters: { size: 224 },
      status: 'COMPLETED',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:01:00.000Z',
    },
  ],
  steps: [
    {
      stepId: '7f9619ff-8b86-4011-b42d-00c04fc964ff',
      runId,
      operation: { name: 'resize', version: '1.0' },
      parameters: { size: 224 },
      inputs: [{ kind: 'FILE', id: 's3://raw/img.png', version: null }],
      outputs: [{ kind: 'ITEM', id: 'img 1:odd@id', version: 'sha256:x' }],
      inputRecords: 1,
      outputRecords: 1,
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:30.000Z',
    },
  ],
};

describe('PROV-JSON', () => {
  const document = buildProvDocument(facts);

  it('declares its prefixes and records corrections as revisions', () => {
    expect(document.prefix).toEqual(provPrefixes);
    const revisions = Object.values(document.wasDerivedFrom).filter(
      (relation) =>
        typeof relation === 'object' &&
        relation['prov:generatedEntity'] === labelEntityId(correction.labelId),
    );
    expect(revisions).toEqual([
      {
        'prov:generatedEntity': labelEntityId(correction.labelId),
        'prov:usedEntity': labelEntityId(root.labelId),
        'prov:activity': expect.stringMatching(/^activity:correction\//),
        'prov:type': { $: 'prov:Revision', type: 'prov:QUALIFIED_NAME' },
      },
    ]);
    expect(Object.keys(document.agent)).toEqual(
      expect.arrayContaining(['agent:human/ann-1', 'agent:model/resnet-50', 'agent:pipeline/etl/resize']),
    );
  });

  it('is accepted by python3-prov with every kind of record', () => {
    const parsed = parseWithPythonProv(document);
    expect(parsed.types).toEqual(
      expect.arrayContaining([
        'Entity',
        'Activity',
        'Agent',
        'Derivation',
        'Usage',
        'Generation',
        'Association',
        'Attribution',
        'Communication',
      ]),
    );
  });

  it('adds a release as a collection of its member labels', () => {
    const withRelease = buildProvDocument({
      ...facts,
      release: {
        release: {
          snapshotId: runId,
          name: 'v1',
          namespace: 'test',
          dataset: 'ds',
          task: null,
          strategy: 'latest',
          offsets: [{ topic: 'strata.items', partition: 0, offset: 3 }],
          asOfTime: null,
          manifestSha256: 'ab'.repeat(32),
          itemCount: 1,
          labelCount: 1,
          createdAt: '2026-01-02T00:00:00.000Z',
        },
        memberLabelIds: [correction.labelId],
        truncated: false,
      },
    });
    expect(parseWithPythonProv(withRelease).types).toContain('Membership');
  });
});
