import type { RunCompleted, RunStarted, TransformationApplied } from '@strata/contracts';
import { describe, expect, it } from 'vitest';
import type { RunRecorder } from './pipeline';
import { Pipeline } from './pipeline';
import { provenancePairs } from './provenance';

/** Records what a pipeline would send, without validation, Avro or Kafka. */
function recorder() {
  const events: { type: string; event: Partial<RunStarted & TransformationApplied & RunCompleted> }[] = [];
  const ack = { eventId: 'e', topic: 'strata.runs', partition: 0, offset: '0' };
  const runRecorder: RunRecorder = {
    defaults: {
      namespace: 'vision',
      producer: { name: 'spec', version: '1' },
      actor: { kind: 'SERVICE', id: 'spec' },
    },
    async startRun(input) {
      events.push({ type: 'RunStarted', event: input as Partial<RunStarted> });
      return { ...ack, runId: input.runId ?? 'run' };
    },
    async applyTransformation(input) {
      events.push({ type: 'TransformationApplied', event: input as Partial<TransformationApplied> });
      return { ...ack, stepId: input.stepId ?? 'step' };
    },
    async completeRun(input) {
      events.push({ type: 'RunCompleted', event: input as Partial<RunCompleted> });
      return ack;
    },
  };
  return { events, runRecorder };
}

const samples = (count: number) => Array.from({ length: count }, (_, index) => ({ itemId: `item-${index}` }));

describe('Pipeline', () => {
  it('records one run, one summary per step with its counts, and exact per-item provenance in bounded chunks', async () => {
    const { events, runRecorder } = recorder();
    const run = await Pipeline.start<{ itemId: string }>(runRecorder, {
      job: 'prep',
      provenance: { maxRefsPerEvent: 500 },
    })
      .map('tag', async (sample) => ({ itemId: `${sample.itemId}/t` }))
      .filter('odd', (sample) => Number(sample.itemId.split(/[-/]/)[1]) % 2 === 1)
      .flatMap('twice', async function* (sample) {
        yield { itemId: `${sample.itemId}/1` };
        yield { itemId: `${sample.itemId}/2` };
      })
      .run(samples(10_000));

    expect(run.steps.map((step) => [step.inputRecords, step.outputRecords])).toEqual([
      [10_000, 10_000],
      [10_000, 5_000],
      [5_000, 10_000],
    ]);
    expect(events[0].type).toBe('RunStarted');
    expect(events.at(-1)).toMatchObject({ type: 'RunCompleted', event: { status: 'COMPLETED' } });
    const steps = events
      .filter((entry) => entry.type === 'TransformationApplied')
      .map((entry) => entry.event);
    const chunksOf = (stepId: string) =>
      steps.filter((step) => JSON.parse(step.parameters!).provenanceOf === stepId);
    const pairs = run.steps.map((summary) =>
      chunksOf(summary.stepId).flatMap((chunk) => provenancePairs(chunk.itemRefs!)),
    );
    expect(pairs.map((list) => list.length)).toEqual([10_000, 5_000, 10_000]);
    expect(pairs[2].slice(0, 2)).toEqual([
      ['item-1/t', 'item-1/t/1'],
      ['item-1/t', 'item-1/t/2'],
    ]);
    const chunks = steps.filter((step) => step.itemRefs);
    expect(chunks.every((step) => step.itemRefs!.inputCount + step.itemRefs!.outputCount <= 500)).toBe(true);
    expect(chunks.every((step) => step.inputs === undefined && step.outputs === undefined)).toBe(true);
    expect(run.steps.map((step) => step.provenanceEvents)).toEqual(
      run.steps.map((summary) => chunksOf(summary.stepId).length),
    );
  });

  it('batches samples and records no provenance for the regrouping itself', async () => {
    const { runRecorder } = recorder();
    const outputs: number[] = [];
    const run = await Pipeline.start<{ itemId: string }>(runRecorder, { job: 'batching', provenance: true })
      .batch(64)
      .map('size', (batch) => batch.length)
      .run(samples(200), (size) => {
        outputs.push(size);
      });
    expect(outputs).toEqual([64, 64, 64, 8]);
    expect(
      run.steps.map((step) => [
        step.operation.name,
        step.inputRecords,
        step.outputRecords,
        step.provenanceEvents,
      ]),
    ).toEqual([
      ['batch', 200, 4, 0],
      ['size', 4, 4, 1],
    ]);
  });

  it('records a failure as FAILED with the error and the counts reached, then rethrows it', async () => {
    const { events, runRecorder } = recorder();
    const failure = new TypeError('bad sample');
    const run = Pipeline.start<{ itemId: string }>(runRecorder, { job: 'failing' })
      .map('explode', (sample) => {
        if (sample.itemId === 'item-3') throw failure;
        return sample;
      })
      .run(samples(10));
    await expect(run).rejects.toBe(failure);
    expect(events.at(-1)).toMatchObject({
      type: 'RunCompleted',
      event: { status: 'FAILED', error: 'TypeError: bad sample' },
    });
    expect(events.find((entry) => entry.type === 'TransformationApplied')?.event).toMatchObject({
      inputRecords: 4,
      outputRecords: 3,
    });
  });

  it('sends a chunk whose samples all kept their item id with its outputs as "the inputs", and writes any other in full', async () => {
    const { events, runRecorder } = recorder();
    await Pipeline.start<{ itemId: string }>(runRecorder, {
      job: 'prep',
      provenance: { maxRefsPerEvent: 200 },
    })
      .map('decode', (sample) => ({ ...sample, decoded: true }))
      // Drops one sample of the first 100: only the first chunk of this step differs from its inputs.
      .filter('drop-item-5', (sample) => sample.itemId !== 'item-5')
      .run(samples(300));

    const packings = (step: string) =>
      events
        .filter((entry) => entry.event.itemRefs && entry.event.operation!.name === step)
        .map(({ event }) => {
          const refs = event.itemRefs!;
          return [refs.outputsAreInputs, refs.outputIds.length, refs.outputCount];
        });
    expect(packings('decode')).toEqual([
      [true, 0, 100],
      [true, 0, 100],
      [true, 0, 100],
    ]);
    expect(packings('drop-item-5')).toEqual([
      [
        false,
        Buffer.byteLength(
          samples(100)
            .map((sample) => sample.itemId)
            .filter((id) => id !== 'item-5')
            .join('\u0000'),
        ),
        99,
      ],
      [true, 0, 100],
      [true, 0, 100],
    ]);
  });

  it('keeps source order through steps that are async for some samples only, and reads the source no further ahead than the consumer', async () => {
    const { runRecorder } = recorder();
    let pulled = 0;
    async function* source() {
      for (const sample of samples(50)) {
        pulled += 1;
        yield sample;
      }
    }
    const index = (itemId: string) => Number(itemId.split(/[-/]/)[1]);
    const later = <T>(value: T) => new Promise<T>((resolve) => setImmediate(() => resolve(value)));
    const consumed: string[] = [];
    let furthestAhead = 0;
    const run = await Pipeline.start<{ itemId: string }>(runRecorder, { job: 'mixed', provenance: true })
      .map('tag', (sample) => {
        const tagged = { itemId: `${sample.itemId}/t` };
        return index(sample.itemId) % 3 === 0 ? later(tagged) : tagged;
      })
      .filter('not-7s', (sample) =>
        index(sample.itemId) % 2 === 0
          ? later(index(sample.itemId) % 7 !== 0)
          : index(sample.itemId) % 7 !== 0,
      )
      .flatMap('pair', (sample) => {
        const pair = [{ itemId: `${sample.itemId}/a` }, { itemId: `${sample.itemId}/b` }];
        return index(sample.itemId) % 4 === 0 ? later(pair) : pair;
      })
      .batch(4)
      .map('ids', (batch) => batch.map((sample) => sample.itemId))
      .run(source(), async (ids) => {
        furthestAhead = Math.max(furthestAhead, pulled - index(ids.at(-1)!) - 1);
        if (consumed.length % 2 === 0) await later(undefined);
        consumed.push(...ids);
      });

    const kept = samples(50)
      .map((sample) => index(sample.itemId))
      .filter((at) => at % 7 !== 0);
    expect(consumed).toEqual(kept.flatMap((at) => [`item-${at}/t/a`, `item-${at}/t/b`]));
    expect(run.steps.map((step) => [step.inputRecords, step.outputRecords])).toEqual([
      [50, 50],
      [50, kept.length],
      [kept.length, kept.length * 2],
      [kept.length * 2, Math.ceil(kept.length / 2)],
      [Math.ceil(kept.length / 2), Math.ceil(kept.length / 2)],
    ]);
    // Each batch of 4 outputs comes from 2 kept samples: the source is never read more than that ahead.
    expect(furthestAhead).toBeLessThanOrEqual(1);
  });

  it('takes a consumer that returns a value that is not a promise, as a JavaScript caller may', async () => {
    const { runRecorder } = recorder();
    const outputs: string[] = [];
    const collect = ((id: string) => outputs.push(id)) as unknown as (id: string) => void;
    const run = await Pipeline.start<{ itemId: string }>(runRecorder, { job: 'collect' })
      .map('id', (sample) => sample.itemId)
      .run(samples(3), collect);
    expect(outputs).toEqual(['item-0', 'item-1', 'item-2']);
    expect(run).toMatchObject({ status: 'COMPLETED', outputRecords: 3 });
  });

  it('passes the source straight to the consumer when the pipeline has no steps', async () => {
    const { runRecorder } = recorder();
    const outputs: unknown[] = [];
    const run = await Pipeline.start<{ itemId: string }>(runRecorder, { job: 'copy' }).run(
      samples(2),
      (sample) => {
        outputs.push(sample);
      },
    );
    expect(outputs).toEqual(samples(2));
    expect(run).toMatchObject({ status: 'COMPLETED', outputRecords: 2, steps: [] });
  });

  it('refuses a batch size that is not a positive integer', () => {
    const { runRecorder } = recorder();
    expect(() => Pipeline.start(runRecorder, { job: 'x' }).batch(0)).toThrow(RangeError);
  });
});
