import { describe, expect, it } from 'vitest';
import { lineage } from '@strata/views';
import { sdkStackForSuite } from './support/sdk-stack';

/** SDK pipelines → Kafka → the real projector → the run, steps and per-item provenance in the views. */
const sdk = sdkStackForSuite({
  label: 'sdk_pipeline',
  namespace: 'vision',
  projector: true,
});

type Sample = { itemId: string };

interface StepView {
  stepId: string;
  operation: { name: string; version: string };
  parameters: Record<string, unknown> & { provenanceOf?: string };
  inputRecords: number | null;
  outputRecords: number | null;
  inputs: string[];
  outputs: string[];
  /** The sample groups of each input and output, as the views hold them (null: the whole step). */
  inputGroups: (number[] | null)[];
  outputGroups: (number[] | null)[];
}

/** A run's steps as the views hold them, in log order, with their input and output artifact refs in order. */
async function stepsInViews(schema: string, runId: string): Promise<StepView[]> {
  const steps = await sdk()
    .knex.withSchema(schema)
    .table('run_steps')
    .where({ run_id: runId })
    .orderBy([{ column: 'log_partition' }, { column: 'log_offset' }]);
  const edges = await sdk()
    .knex.withSchema(schema)
    .from('lineage_edges as e')
    .join('artifacts as a', 'a.artifact_key', 'e.artifact_key')
    .where('e.run_id', runId)
    .orderBy('e.ordinal')
    .select('e.step_id', 'e.direction', 'e.sample_groups', 'a.kind', 'a.artifact_id', 'a.version');
  const edgesOf = (stepId: string, direction: 'INPUT' | 'OUTPUT') =>
    edges.filter((edge) => edge.step_id === stepId && edge.direction === direction);
  const refsOf = (stepId: string, direction: 'INPUT' | 'OUTPUT') =>
    edgesOf(stepId, direction).map((edge) =>
      edge.kind === 'ITEM' ? edge.artifact_id : `${edge.kind}:${edge.artifact_id}@${edge.version}`,
    );
  const groupsOf = (stepId: string, direction: 'INPUT' | 'OUTPUT') =>
    edgesOf(stepId, direction).map((edge) => edge.sample_groups as number[] | null);
  return steps.map((step) => ({
    stepId: step.step_id,
    operation: { name: step.operation_name, version: step.operation_version },
    parameters: JSON.parse(step.parameters),
    inputRecords: step.input_records === null ? null : Number(step.input_records),
    outputRecords: step.output_records === null ? null : Number(step.output_records),
    inputs: refsOf(step.step_id, 'INPUT'),
    outputs: refsOf(step.step_id, 'OUTPUT'),
    inputGroups: groupsOf(step.step_id, 'INPUT'),
    outputGroups: groupsOf(step.step_id, 'OUTPUT'),
  }));
}

/**
 * The (input item, output item) pairs the views record for one step summary: in each of its provenance
 * chunks, every input and output that share a sample group.
 */
function pairsOf(steps: readonly StepView[], summary: StepView): [string, string][] {
  return steps
    .filter((step) => step.parameters.provenanceOf === summary.stepId)
    .flatMap((chunk) =>
      chunk.inputs.flatMap((input, i) =>
        chunk.outputs
          .filter((_, o) => chunk.outputGroups[o]!.some((group) => chunk.inputGroups[i]!.includes(group)))
          .map((output): [string, string] => [input, output]),
      ),
    );
}

const sortPairs = (pairs: [string, string][]) => [...pairs].map((pair) => pair.join(' → ')).sort();

describe('recorded pipelines, projected', () => {
  it('a 10k-sample, 3-step run appears in the views with its steps and exact per-item provenance', async () => {
    const items = Array.from({ length: 10_000 }, (_, index) => ({ itemId: `item-${index}` }));
    const outputs: Sample[] = [];
    const run = await sdk()
      .producer.pipeline<Sample>({
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
    expect(outputs).toHaveLength(18_000);

    const schema = await sdk().projected();
    const table = (name: string) => sdk().knex.withSchema(schema).table(name);
    expect(await table('dead_letters').count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(await table('runs').where({ run_id: run.runId })).toMatchObject([
      {
        job_namespace: 'vision',
        job_name: 'prepare',
        code_version: 'git:abc123',
        parameters: '{"size":512}',
      },
    ]);
    expect(await table('run_completions').where({ run_id: run.runId })).toMatchObject([
      { status: 'COMPLETED', error: null },
    ]);

    const steps = await stepsInViews(schema, run.runId);
    const summaries = steps.filter((step) => step.parameters.provenanceOf === undefined);
    expect(summaries.map((step) => [step.operation, step.inputRecords, step.outputRecords])).toEqual([
      [{ name: 'normalize', version: '2' }, 10_000, 10_000],
      [{ name: 'drop-every-tenth', version: '1' }, 10_000, 9_000],
      [{ name: 'augment', version: '1' }, 9_000, 18_000],
    ]);
    expect(summaries[0].parameters).toMatchObject({ mean: 0.5, step: 0 });
    // The steps are chained through the streams between them, from the input to the output dataset.
    expect(summaries[0].inputs).toEqual(['DATASET:raw@null']);
    expect(summaries[1].inputs).toEqual(summaries[0].outputs);
    expect(summaries[2].inputs).toEqual(summaries[1].outputs);
    expect(summaries[2].outputs).toEqual(['DATASET:prepared@v1']);

    // Per-item provenance, exactly: every sample's input → output, nothing more.
    const kept = items.map(({ itemId }) => itemId).filter((_, index) => index % 10 !== 0);
    expect(sortPairs(pairsOf(steps, summaries[0]))).toEqual(
      sortPairs(items.map(({ itemId }) => [itemId, `${itemId}/n`])),
    );
    expect(sortPairs(pairsOf(steps, summaries[1]))).toEqual(
      sortPairs(kept.map((itemId) => [`${itemId}/n`, `${itemId}/n`])),
    );
    expect(sortPairs(pairsOf(steps, summaries[2]))).toEqual(
      sortPairs(
        kept.flatMap((itemId) => [
          [`${itemId}/n`, `${itemId}/n/a`],
          [`${itemId}/n`, `${itemId}/n/b`],
        ]),
      ),
    );
    // Bounded chunks, not one step per sample.
    expect(steps.length - summaries.length).toBeLessThan(60);

    // The views' lineage walk from one output reaches its source item and nothing else of its chunks:
    // augment, then normalize, since the filter kept item-7/n as it was (the same artifact is the
    // filter's input and its output).
    const upstream = await lineage(sdk().knex, schema, {
      from: { kind: 'ITEM', id: 'item-7/n/a', version: null },
      direction: 'upstream',
      maxDepth: 3,
      maxNodes: 5000,
    });
    expect(upstream.truncated).toBe(false);
    expect(upstream.artifacts.map((artifact) => [artifact.artifactId, artifact.depth])).toEqual([
      ['item-7/n/a', 0],
      ['item-7/n', 1],
      ['item-7', 2],
    ]);
    expect(upstream.steps.map((step) => step.operationName).sort()).toEqual([
      'augment',
      'drop-every-tenth',
      'normalize',
    ]);
    // And downstream from a source item: its two augmented samples, not its chunk's.
    const downstream = await lineage(sdk().knex, schema, {
      from: { kind: 'ITEM', id: 'item-7', version: null },
      direction: 'downstream',
      maxDepth: 3,
      maxNodes: 5000,
    });
    expect(downstream.artifacts.map((artifact) => artifact.artifactId).sort()).toEqual([
      'item-7',
      'item-7/n',
      'item-7/n/a',
      'item-7/n/b',
    ]);
  });

  it('a step that keeps every sample and its id (outputs sent as "the inputs") has its exact per-item provenance in the views', async () => {
    const items = Array.from({ length: 3000 }, (_, index) => ({ itemId: `kept-${index}` }));
    const run = await sdk()
      .producer.pipeline<Sample>({ job: 'decode', provenance: { maxRefsPerEvent: 1000 } })
      .map('decode', (sample) => ({ ...sample, decoded: true }))
      .run(items);

    const schema = await sdk().projected();
    const steps = await stepsInViews(schema, run.runId);
    const chunks = steps.filter((step) => step.parameters.provenanceOf !== undefined);
    expect(chunks).toHaveLength(6);
    for (const chunk of chunks) expect(chunk.outputs).toEqual(chunk.inputs);
    const [summary] = steps.filter((step) => step.parameters.provenanceOf === undefined);
    expect(sortPairs(pairsOf(steps, summary))).toEqual(
      sortPairs(items.map(({ itemId }) => [itemId, itemId])),
    );
  });

  it('a failing run appears as FAILED with its error and the counts reached, and the caller gets the error', async () => {
    const failure = new Error('disk full at sample 500');
    const run = sdk()
      .producer.pipeline<Sample>({ job: 'failing', provenance: true })
      .map('explode', (sample) => {
        if (sample.itemId === 'item-500') throw failure;
        return sample;
      })
      .run(Array.from({ length: 1000 }, (_, index) => ({ itemId: `item-${index}` })));
    await expect(run).rejects.toBe(failure);

    const schema = await sdk().projected();
    const failed = await sdk().knex.withSchema(schema).table('runs').where({ job_name: 'failing' });
    expect(failed).toHaveLength(1);
    const runId = failed[0].run_id as string;
    expect(
      await sdk().knex.withSchema(schema).table('run_completions').where({ run_id: runId }),
    ).toMatchObject([{ status: 'FAILED', error: 'Error: disk full at sample 500' }]);
    const summaries = (await stepsInViews(schema, runId)).filter(
      (step) => step.parameters.provenanceOf === undefined,
    );
    expect(summaries.map((step) => [step.operation.name, step.inputRecords, step.outputRecords])).toEqual([
      ['explode', 501, 500],
    ]);
  });
});
