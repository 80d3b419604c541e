import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { TransformationApplied } from '@strata/contracts';
import { Topics } from '@strata/kafka';
import { connectStrataProducer, provenancePairs, type StrataProducer } from '@strata/sdk';
import { startTestStack, type TestStack } from '@strata/testing';
import { ensureStrataTopics } from './support/topics';
import { readTopic } from './support/topic-reader';

const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });
let stack: TestStack;
let producer: StrataProducer;

beforeAll(async () => {
  stack = await startTestStack({ label: 'sdk_pipeline', logger });
  await ensureStrataTopics(stack.brokers, logger);
  producer = await connectStrataProducer({
    brokers: stack.brokers,
    registryUrl: stack.registryUrl,
    logger,
    defaults: {
      namespace: 'vision',
      producer: { name: 'pipeline-test', version: '1' },
      actor: { kind: 'SERVICE', id: 'ci' },
    },
  });
});

afterAll(async () => {
  await producer?.close();
  await stack?.stop();
});

async function runEvents(runId: string) {
  const records = await readTopic(stack.brokers, stack.registryUrl, Topics.runs, logger);
  return records.filter((record) => record.key === runId).map((record) => record.event);
}

type Sample = { itemId: string };

describe('recorded pipelines', () => {
  it('records a 10k-sample, 3-step run with its steps and exact per-item provenance', async () => {
    const items = Array.from({ length: 10_000 }, (_, index) => ({ itemId: `item-${index}` }));
    const outputs: Sample[] = [];
    const run = await producer
      .pipeline<Sample>({
        job: 'prepare',
        codeVersion: 'git:abc123',
        parameters: { size: 512 },
        inputs: [{ kind: 'DATASET', id: 'raw', version: null }],
        outputs: [{ kind: 'DATASET', id: 'prepared', version: 'v1' }],
        provenance: true,
      })
      .map({ name: 'normalize', version: '2', parameters: { mean: 0.5 } }, async (sample) => ({
        itemId: `${sample.itemId}/n`,
      }))
      .filter('drop-every-tenth', (sample) => !sample.itemId.match(/^item-\d*0\/n$/))
      .flatMap('augment', (sample) => [{ itemId: `${sample.itemId}/a` }, { itemId: `${sample.itemId}/b` }])
      .run(items, (output) => {
        outputs.push(output);
      });

    expect(run.status).toBe('COMPLETED');
    expect(run.outputRecords).toBe(18_000);
    expect(outputs).toHaveLength(18_000);
    expect(run.steps.map((step) => [step.operation.name, step.inputRecords, step.outputRecords])).toEqual([
      ['normalize', 10_000, 10_000],
      ['drop-every-tenth', 10_000, 9_000],
      ['augment', 9_000, 18_000],
    ]);

    const events = await runEvents(run.runId);
    expect(events[0]).toMatchObject({
      type: 'RunStarted',
      event: {
        job: { namespace: 'vision', name: 'prepare' },
        codeVersion: 'git:abc123',
        parameters: '{"size":512}',
      },
    });
    expect(events.at(-1)).toMatchObject({
      type: 'RunCompleted',
      event: { status: 'COMPLETED', error: null },
    });

    const steps = events
      .filter((event) => event.type === 'TransformationApplied')
      .map((event) => event.event as TransformationApplied);
    const summaries = steps.filter((step) => !('provenanceOf' in JSON.parse(step.parameters)));
    expect(summaries.map((step) => [step.operation, step.inputRecords, step.outputRecords])).toEqual([
      [{ name: 'normalize', version: '2' }, 10_000, 10_000],
      [{ name: 'drop-every-tenth', version: '1' }, 10_000, 9_000],
      [{ name: 'augment', version: '1' }, 9_000, 18_000],
    ]);
    expect(JSON.parse(summaries[0].parameters)).toMatchObject({ mean: 0.5, step: 0 });
    // Steps are chained through the streams between them, from the input to the output dataset.
    expect(summaries[0].inputs).toEqual([{ kind: 'DATASET', id: 'raw', version: null }]);
    expect(summaries[1].inputs).toEqual(summaries[0].outputs);
    expect(summaries[2].outputs).toEqual([{ kind: 'DATASET', id: 'prepared', version: 'v1' }]);

    const pairsOf = (summary: TransformationApplied) =>
      steps
        .filter((step) => JSON.parse(step.parameters).provenanceOf === summary.stepId)
        .flatMap((chunk) =>
          provenancePairs({
            inputs: chunk.inputs.map((ref) => ref.id),
            outputs: chunk.outputs.map((ref) => ref.id),
            groups: JSON.parse(chunk.parameters).groups,
          }),
        );
    const normalized = pairsOf(summaries[0]);
    expect(normalized).toHaveLength(10_000);
    expect(normalized[1234]).toEqual(['item-1234', 'item-1234/n']);
    const kept = pairsOf(summaries[1]);
    expect(kept).toHaveLength(9_000);
    expect(kept.some(([input]) => input === 'item-10/n')).toBe(false);
    const augmented = pairsOf(summaries[2]);
    expect(augmented).toHaveLength(18_000);
    expect(augmented.filter(([input]) => input === 'item-7/n')).toEqual([
      ['item-7/n', 'item-7/n/a'],
      ['item-7/n', 'item-7/n/b'],
    ]);
    // Bounded chunks, not one event per sample.
    const chunkCount = steps.length - summaries.length;
    expect(chunkCount).toBeLessThan(60);
    expect(steps.every((step) => step.inputs.length + step.outputs.length <= 2000)).toBe(true);
  });

  it('records a failing run as FAILED with the error, with the counts reached, and rethrows', async () => {
    const failure = new Error('disk full at sample 500');
    let runId = '';
    const run = producer
      .pipeline<Sample>({ job: 'failing', provenance: true })
      .map('explode', (sample) => {
        if (sample.itemId === 'item-500') throw failure;
        return sample;
      })
      .run(Array.from({ length: 1000 }, (_, index) => ({ itemId: `item-${index}` })));
    await expect(run).rejects.toBe(failure);
    const events = (await readTopic(stack.brokers, stack.registryUrl, Topics.runs, logger)).map(
      (record) => record.event,
    );
    const completed = events.find(
      (event) => event.type === 'RunCompleted' && event.event.status === 'FAILED',
    );
    expect(completed?.event).toMatchObject({ error: 'Error: disk full at sample 500' });
    runId = (completed?.event as { runId: string }).runId;
    const summary = events.find(
      (event) =>
        event.type === 'TransformationApplied' &&
        event.event.runId === runId &&
        !JSON.parse(event.event.parameters).provenanceOf,
    );
    expect(summary?.event).toMatchObject({ inputRecords: 501, outputRecords: 500 });
  });
});
