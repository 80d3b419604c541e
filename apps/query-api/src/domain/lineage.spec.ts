import { describe, expect, it } from 'vitest';
import { inputsMadeInto, lineageGraphOf } from './lineage';

// Upstream of the model: model ← train ← features ← featurize ← raw, as the views' walk returns it.
const walk = {
  artifacts: [
    { artifactKey: '["MODEL","m","1"]', kind: 'MODEL', artifactId: 'm', version: '1', depth: 0, rank: 0 },
    {
      artifactKey: '["DATASET","features","2"]',
      kind: 'DATASET',
      artifactId: 'features',
      version: '2',
      depth: 1,
      rank: 2,
    },
    { artifactKey: '["ITEM","raw",null]', kind: 'ITEM', artifactId: 'raw', version: null, depth: 2, rank: 4 },
  ],
  steps: [
    {
      stepId: 'train',
      runId: 'r',
      operationName: 'train',
      operationVersion: '1',
      depth: 1,
      rank: 1,
      sampleGroups: null,
    },
    {
      stepId: 'featurize',
      runId: 'r',
      operationName: 'featurize',
      operationVersion: '1',
      depth: 2,
      rank: 3,
      sampleGroups: null,
    },
  ],
  edges: [
    { stepId: 'featurize', artifactKey: '["ITEM","raw",null]', direction: 'INPUT' as const },
    { stepId: 'featurize', artifactKey: '["DATASET","features","2"]', direction: 'OUTPUT' as const },
    { stepId: 'train', artifactKey: '["DATASET","features","2"]', direction: 'INPUT' as const },
    { stepId: 'train', artifactKey: '["MODEL","m","1"]', direction: 'OUTPUT' as const },
  ],
  truncated: true,
};

describe('lineageGraphOf', () => {
  it("orders nodes by the walk's rank: nearest first, each step before the artifacts it leads to", () => {
    const graph = lineageGraphOf('artifact:model:m@1', walk);
    expect(graph.nodes.map((node) => [node.id, node.depth])).toEqual([
      ['artifact:model:m@1', 0],
      ['step:train', 1],
      ['artifact:dataset:features@2', 1],
      ['step:featurize', 2],
      ['artifact:item:raw', 2],
    ]);
    expect(graph.root).toBe('artifact:model:m@1');
    expect(graph.truncated).toBe(true);
  });

  it('turns edges into data flow between node ids: input → step → output', () => {
    expect(lineageGraphOf('artifact:model:m@1', walk).edges).toEqual([
      { from: 'artifact:item:raw', to: 'step:featurize' },
      { from: 'step:featurize', to: 'artifact:dataset:features@2' },
      { from: 'artifact:dataset:features@2', to: 'step:train' },
      { from: 'step:train', to: 'artifact:model:m@1' },
    ]);
  });
});

describe('inputsMadeInto', () => {
  const item = (id: string, sampleGroups?: number[]) => ({
    kind: 'ITEM' as const,
    id,
    version: null,
    ...(sampleGroups ? { sampleGroups } : {}),
  });
  const dataset = { kind: 'DATASET' as const, id: 'raw', version: null };

  it("gives each output of a paired step the inputs of its groups and the whole step's, in input order", () => {
    // a → a1; (b, c) → bc; d read twice (groups 2 and 3) → d1, d2; the dataset belongs to the whole step.
    const inputsOf = inputsMadeInto({
      inputs: [dataset, item('a', [0]), item('b', [1]), item('c', [1]), item('d', [2, 3])],
    });
    const ids = (output: ReturnType<typeof item>) => inputsOf(output).map((input) => input.id);
    expect(ids(item('a1', [0]))).toEqual(['raw', 'a']);
    expect(ids(item('bc', [1]))).toEqual(['raw', 'b', 'c']);
    expect(ids(item('d2', [3]))).toEqual(['raw', 'd']);
    expect(ids(item('made-of-both', [0, 1]))).toEqual(['raw', 'a', 'b', 'c']);
    // An output of the whole step (no groups) was made from every input.
    expect(ids(item('summary'))).toEqual(['raw', 'a', 'b', 'c', 'd']);
  });

  it('gives every input to every output of a step that did not pair them', () => {
    const inputs = [dataset, item('a'), item('b')];
    expect(inputsMadeInto({ inputs })(item('x'))).toEqual(inputs);
  });
});
