import type { EventAck, StrataProducer } from '@strata/sdk';
import {
  demoDatasets,
  generateDemoHistory,
  type DemoHighlights,
  type DemoOptions,
  type DemoSample,
} from './history';
import { SeededRandom } from './random';

export interface DemoSummary {
  eventsByType: Record<string, number>;
  items: number;
  highlights: DemoHighlights;
  /** `augmentedSample`: the item id of one flipped copy the run made, to walk its lineage from. */
  completedRun: { runId: string; steps: number; outputRecords: number; augmentedSample: string | undefined };
  failedRun: { runId: string; error: string };
}

/** The failure the second demo pipeline runs into, as a real embedding job might. */
class DemoOutOfMemoryError extends Error {
  constructor(batch: number) {
    super(`CUDA out of memory while embedding batch ${batch}`);
    this.name = 'OutOfMemoryError';
  }
}

/**
 * Publishes the seeded demo history through the SDK, then two recorded pipeline runs with per-item
 * provenance: image preprocessing (completes) and review embedding (fails part-way).
 */
export async function publishDemo(producer: StrataProducer, options: DemoOptions): Promise<DemoSummary> {
  const history = generateDemoHistory(options);
  const eventsByType: Record<string, number> = {};
  const sent: Promise<EventAck>[] = [];
  for (const call of history.calls) {
    // Not awaited one by one: the producer keeps call order, batches, and bounds its own queue.
    sent.push(publishCall(producer, call));
    eventsByType[call.method] = (eventsByType[call.method] ?? 0) + 1;
  }
  await Promise.all(sent);

  const random = new SeededRandom(options.seed + 1);
  const completed = await runPreprocessing(producer, history.samples, random);
  const failed = await runEmbedding(producer, history.samples, random);
  return {
    eventsByType,
    items: history.samples.length,
    highlights: history.highlights,
    completedRun: completed,
    failedRun: failed,
  };
}

function publishCall(
  producer: StrataProducer,
  call: ReturnType<typeof generateDemoHistory>['calls'][number],
) {
  switch (call.method) {
    case 'registerItem':
      return producer.registerItem(call.input);
    case 'createLabel':
      return producer.createLabel(call.input);
    case 'correctLabel':
      return producer.correctLabel(call.input);
    case 'reviewLabel':
      return producer.reviewLabel(call.input);
    case 'retractLabel':
      return producer.retractLabel(call.input);
  }
}

async function runPreprocessing(producer: StrataProducer, samples: DemoSample[], random: SeededRandom) {
  const scenes = samples.filter((sample) => sample.dataset === demoDatasets.scenes);
  let augmentedSample: string | undefined;
  const result = await producer
    .pipeline<DemoSample>({
      runId: random.uuid(),
      job: 'street-scenes-preprocess',
      codeVersion: 'git:4f2c1e9',
      parameters: { size: 512, augment: ['hflip'] },
      inputs: [{ kind: 'DATASET', id: demoDatasets.scenes, version: null }],
      outputs: [{ kind: 'DATASET', id: `${demoDatasets.scenes}-train-512`, version: 'v1' }],
      provenance: true,
    })
    .map({ name: 'resize', version: '2', parameters: { size: 512 } }, (sample) => ({ ...sample, size: 512 }))
    .filter({ name: 'dedupe', version: '1' }, (sample) => !sample.contentHash.startsWith('00'))
    .flatMap({ name: 'augment-hflip', version: '1' }, (sample) => [
      sample,
      { ...sample, itemId: `${sample.itemId}:hflip` },
    ])
    .run(scenes, (sample) => {
      if (sample.itemId.endsWith(':hflip')) augmentedSample ??= sample.itemId;
    });
  return {
    runId: result.runId,
    steps: result.steps.length,
    outputRecords: result.outputRecords,
    augmentedSample,
  };
}

async function runEmbedding(producer: StrataProducer, samples: DemoSample[], random: SeededRandom) {
  const reviews = samples.filter((sample) => sample.dataset === demoDatasets.reviews);
  const runId = random.uuid();
  const failingBatch = Math.max(1, Math.floor(reviews.length / 64 / 2));
  let batchNumber = 0;
  try {
    await producer
      .pipeline<DemoSample>({
        runId,
        job: 'product-reviews-embed',
        codeVersion: 'git:9b03d7a',
        parameters: { model: 'sentiment-bert-v2', device: 'cuda:0' },
        inputs: [{ kind: 'DATASET', id: demoDatasets.reviews, version: null }],
        outputs: [{ kind: 'DATASET', id: `${demoDatasets.reviews}-embeddings`, version: 'v1' }],
        provenance: true,
      })
      .map({ name: 'tokenize', version: '3' }, (sample) => ({ ...sample, tokens: 128 }))
      .filter({ name: 'language-en', version: '1' }, (sample) => !sample.contentHash.startsWith('f'))
      .batch(64)
      .map({ name: 'embed', version: 'bert-v2' }, (batch) => {
        batchNumber += 1;
        if (batchNumber === failingBatch) throw new DemoOutOfMemoryError(batchNumber);
        return batch;
      })
      .run(reviews);
    throw new Error('the demo embedding run was expected to fail');
  } catch (error) {
    if (!(error instanceof DemoOutOfMemoryError)) throw error;
    return { runId, error: `${error.name}: ${error.message}` };
  }
}
