import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allSampleEvents, sampleEvent, sampleTime } from '../testing/sample-events';
import { validateEvent } from './validate-event';

const now = sampleTime + 1000;
const fields = (issues: { field: string }[]) => issues.map((issue) => issue.field);

describe('validateEvent', () => {
  it('accepts a valid event of every type', () => {
    for (const event of allSampleEvents()) expect(validateEvent(event, { now }), event.type).toEqual([]);
  });

  it('names empty ids and malformed UUIDs', () => {
    const created = sampleEvent('LabelCreated');
    created.event.itemId = ' ';
    created.event.labelId = 'label-1';
    created.event.envelope.namespace = '';
    created.event.author.id = '';
    expect(validateEvent(created, { now })).toEqual([
      { field: 'envelope.namespace', message: 'must not be empty' },
      { field: 'itemId', message: 'must not be empty' },
      { field: 'labelId', message: 'must be a UUID, got "label-1"' },
      { field: 'author.id', message: 'must not be empty' },
    ]);
  });

  it('refuses a correction without parents', () => {
    const corrected = sampleEvent('LabelCorrected');
    corrected.event.parents = [];
    expect(validateEvent(corrected, { now })).toEqual([
      { field: 'parents', message: 'a correction needs at least one parent' },
    ]);
  });

  it('refuses a correction of itself and duplicate parents, naming the index', () => {
    const corrected = sampleEvent('LabelCorrected');
    const [parent] = corrected.event.parents;
    corrected.event.parents = [parent, corrected.event.labelId, parent];
    expect(validateEvent(corrected, { now })).toEqual([
      { field: 'parents[1]', message: 'a label cannot correct itself' },
      { field: 'parents[2]', message: `duplicates an earlier entry ("${parent}")` },
    ]);
  });

  it('limits the payload size, configurably', () => {
    const created = sampleEvent('LabelCreated');
    created.event.payload = JSON.stringify({ mask: 'x'.repeat(64 * 1024) });
    expect(fields(validateEvent(created, { now }))).toEqual(['payload']);
    expect(validateEvent(created, { now })[0].message).toMatch(/more than the limit of 65536/);
    expect(validateEvent(created, { now, maxJsonBytes: 1024 * 1024 })).toEqual([]);
  });

  it('counts the payload limit in UTF-8 bytes, not characters', () => {
    const created = sampleEvent('LabelCreated');
    created.event.payload = JSON.stringify('é'.repeat(600));
    expect(fields(validateEvent(created, { now, maxJsonBytes: 1000 }))).toEqual(['payload']);
  });

  it('requires JSON text in payload and parameters', () => {
    const created = sampleEvent('LabelCreated');
    created.event.payload = '{class: car}';
    const started = sampleEvent('RunStarted');
    started.event.parameters = '';
    expect(fields(validateEvent(created, { now }))).toEqual(['payload']);
    expect(validateEvent(started, { now })[0]).toMatchObject({
      field: 'parameters',
      message: expect.stringMatching(/^must be valid JSON text/),
    });
  });

  it('refuses times before 2000, in seconds, or more than a day ahead', () => {
    const event = sampleEvent('LabelRetracted');
    event.event.envelope.eventTime = Math.floor(sampleTime / 1000);
    expect(validateEvent(event, { now })[0].message).toMatch(/seconds instead of milliseconds/);
    event.event.envelope.eventTime = now + 25 * 60 * 60 * 1000;
    expect(fields(validateEvent(event, { now }))).toEqual(['envelope.eventTime']);
    event.event.envelope.eventTime = now + 23 * 60 * 60 * 1000;
    expect(validateEvent(event, { now })).toEqual([]);
    event.event.envelope.eventTime = 1.5e12 + 0.5;
    expect(fields(validateEvent(event, { now }))).toEqual(['envelope.eventTime']);
  });

  it('checks step times, counts, metrics and artifact ids of a transformation', () => {
    const step = sampleEvent('TransformationApplied');
    step.event.endedAt = step.event.startedAt - 1;
    step.event.inputRecords = -1;
    step.event.metrics = { loss: Number.NaN };
    step.event.outputs[0].id = '';
    expect(fields(validateEvent(step, { now }))).toEqual([
      'outputs[0].id',
      'inputRecords',
      'metrics.loss',
      'endedAt',
    ]);
  });

  it('refuses a run that is its own parent', () => {
    const started = sampleEvent('RunStarted');
    started.event.parentRunId = started.event.runId;
    expect(validateEvent(started, { now })).toEqual([
      { field: 'parentRunId', message: 'a run cannot be its own parent' },
    ]);
  });

  it('checks a snapshot offset vector and manifest hash', () => {
    const snapshot = sampleEvent('SnapshotFrozen');
    snapshot.event.offsets = [
      { topic: 'strata.items', partition: 0, offset: 5 },
      { topic: 'strata.items', partition: 0, offset: 7 },
      { topic: '', partition: -1, offset: 0 },
    ];
    snapshot.event.manifestSha256 = 'abc';
    expect(fields(validateEvent(snapshot, { now }))).toEqual([
      'offsets[2].topic',
      'offsets[2].partition',
      'offsets[1]',
      'manifestSha256',
    ]);
  });

  it('refuses confidence outside [0, 1] and duplicate datasets', () => {
    const created = sampleEvent('LabelCreated');
    created.event.confidence = 1.5;
    const item = sampleEvent('ItemRegistered');
    item.event.datasets = ['a', 'a'];
    expect(fields(validateEvent(created, { now }))).toEqual(['confidence']);
    expect(fields(validateEvent(item, { now }))).toEqual(['datasets[1]']);
  });

  it('never throws and names a field for any payload text', () => {
    fc.assert(
      fc.property(fc.string(), (payload) => {
        const created = sampleEvent('LabelCreated');
        created.event.payload = payload;
        const issues = validateEvent(created, { now });
        let parses = true;
        try {
          JSON.parse(payload);
        } catch {
          parses = false;
        }
        expect(issues.length === 0).toBe(parses);
        expect(issues.every((issue) => issue.field === 'payload')).toBe(true);
      }),
    );
  });
});
