import { describe, expect, it } from 'vitest';
import { checkEventBatch } from './event-batch';
import { eventModelChecks } from './event-model-checks';

const labelCreated = () => ({
  type: 'LabelCreated',
  event: {
    envelope: {
      eventId: '3b0c7a4e-1d2f-4e5a-8b6c-7d8e9f0a1b2c',
      eventTime: Date.UTC(2026, 0, 5),
      namespace: 'vision',
      producer: { name: 'python-pipeline', version: '0.3' },
      actor: { kind: 'HUMAN', id: 'alice' },
    },
    itemId: 'img-1',
    labelId: '5d6e7f80-9a1b-4c2d-8e3f-405162738495',
    task: 'class',
    payload: '{"class":"car"}',
    author: { kind: 'HUMAN', id: 'alice' },
  },
});

const check = (body: unknown) => checkEventBatch(body, eventModelChecks, 100);
const fieldsOf = (body: unknown) => check(body).issues.map((issue) => `${issue.index}:${issue.field}`);

describe('checkEventBatch', () => {
  it('accepts a valid event and fills in the schema defaults of omitted optional fields', () => {
    const { valid, issues } = check([labelCreated()]);
    expect(issues).toEqual([]);
    expect(valid[0].event.event).toMatchObject({ tool: null, confidence: null, guidelineVersion: null });
  });

  it('requires a non-empty JSON array, within the per-request limit', () => {
    expect(fieldsOf({ type: 'LabelCreated' })).toEqual(['-1:(body)']);
    expect(fieldsOf([])).toEqual(['-1:(body)']);
    expect(checkEventBatch([labelCreated(), labelCreated()], eventModelChecks, 1).issues[0].message).toMatch(
      /more than the 1/,
    );
  });

  it('names unknown types, missing fields, wrong types, bad enums and typos with their index', () => {
    const missing = labelCreated();
    delete (missing.event as Partial<typeof missing.event>).itemId;
    const wrongType = labelCreated();
    (wrongType.event.envelope as { eventTime: unknown }).eventTime = '2026-01-05';
    const badEnum = labelCreated();
    (badEnum.event.author as { kind: string }).kind = 'ROBOT';
    const typo = { ...labelCreated(), event: { ...labelCreated().event, lableId: 'x' } };
    expect(fieldsOf([{ type: 'LabelMade', event: {} }, missing, wrongType, badEnum, typo])).toEqual([
      '0:type',
      '1:event.itemId',
      '2:event.envelope.eventTime',
      '3:event.author.kind',
      '4:event.lableId',
    ]);
    expect(check([badEnum]).issues[0].message).toBe('must be one of HUMAN, MODEL, RULE, got "ROBOT"');
  });

  it('applies the semantic rules: uuids, corrections without parents, oversize JSON', () => {
    const badUuid = labelCreated();
    badUuid.event.envelope.eventId = 'not-a-uuid';
    const orphan = { type: 'LabelCorrected', event: { ...labelCreated().event, parents: [] } };
    const oversize = labelCreated();
    oversize.event.payload = JSON.stringify({ blob: 'x'.repeat(70_000) });
    expect(fieldsOf([badUuid, orphan, oversize])).toEqual([
      '0:event.envelope.eventId',
      '1:event.parents',
      '2:event.payload',
    ]);
  });

  it('keeps the valid events of a mixed batch for partial acceptance', () => {
    const { valid, issues } = check([labelCreated(), { type: 'LabelCreated' }]);
    expect(valid.map((entry) => entry.index)).toEqual([0]);
    expect(issues.map((issue) => issue.index)).toEqual([1]);
  });
});
