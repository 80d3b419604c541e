import type { PositionedEvent } from '@strata/projection';
import { History, fileRef, itemRef } from './history';

const itemPartitions: Record<string, number> = {
  'img-a': 0,
  'img-b': 1,
  'img-c': 0,
  'img-d': 1,
  'img-e': 0,
  'img-f': 1,
  'img-g': 0,
};

const cat = { class: 'cat' };
const dog = { class: 'dog' };
const annotator = (id: string) => ({ author: { kind: 'HUMAN' as const, id } });

/**
 * A small history with a known answer for every question the API answers. Phase 1 registers the
 * items and their first labels; phase 2 corrects, reviews, retracts and runs pipelines.
 *
 * dataset pets (task class):
 * - img-a: a1 cat → a2 dog (correction)                         leaves a2
 * - img-b: b1 cat, b2 dog, b3 cat (model)                       leaves b1 b2 b3 (majority cat)
 * - img-c: c1 cat → c2 dog, c2 retracted, c1 REJECTED           leaves c1, unresolved (rejected)
 * - img-d: d1 dog, d2 cat                                       leaves d1 d2 (majority tie)
 * - img-f: f1 → f2 → f3, f2 retracted (middle)                  leaves f3
 * - img-g: g1 cat, g2 dog → g3 cat consolidating both           leaves g3
 * dataset cars: img-e: e1 {class: car}, e2 bbox task
 * lineage: raw.zip → decode → frames → crop → crops → resize → small → filter → kept → export →
 *   img-a, img-b (five steps of run ingest); img-a, img-b → train → model resnet@1 (run training).
 */
export function petsScenario() {
  const history = new History((itemId) => itemPartitions[itemId] ?? 0);
  for (const itemId of ['img-a', 'img-b', 'img-c', 'img-d', 'img-f', 'img-g']) {
    history.registerItem(itemId, { datasets: ['pets'], source: 'camera-1', license: 'CC-BY-4.0' });
  }
  history.registerItem('img-e', { datasets: ['cars'], source: 'vendor-x', license: 'proprietary' });
  const a1 = history.createLabel('img-a', cat, annotator('ann-1'));
  const b1 = history.createLabel('img-b', cat, annotator('ann-1'));
  const b2 = history.createLabel('img-b', dog, annotator('ann-2'));
  const c1 = history.createLabel('img-c', cat, annotator('ann-1'));
  const d1 = history.createLabel('img-d', dog, annotator('ann-1'));
  const e1 = history.createLabel('img-e', { class: 'car' }, annotator('ann-3'));
  const e2 = history.createLabel('img-e', [1, 2, 3, 4], { task: 'bbox', ...annotator('ann-3') });
  const f1 = history.createLabel('img-f', cat, annotator('ann-1'));
  const g1 = history.createLabel('img-g', cat, annotator('ann-1'));
  const g2 = history.createLabel('img-g', dog, annotator('ann-2'));
  const phase1 = { events: history.events.length, offsets: history.offsets(), time: history.now() };

  const a2 = history.correctLabel('img-a', [a1], dog, { ...annotator('ann-2'), reason: 'it is a dog' });
  const b3 = history.createLabel('img-b', cat, {
    author: { kind: 'MODEL', id: 'resnet-50' },
    tool: 'auto-labeller',
  });
  const c2 = history.correctLabel('img-c', [c1], dog, annotator('ann-2'));
  history.retract('img-c', c2);
  history.review('img-c', c1, 'REJECTED');
  const d2 = history.createLabel('img-d', cat, annotator('ann-2'));
  const f2 = history.correctLabel('img-f', [f1], dog, annotator('ann-2'));
  const f3 = history.correctLabel('img-f', [f2], cat, annotator('ann-1'));
  history.retract('img-f', f2);
  const g3 = history.correctLabel('img-g', [g1, g2], cat, annotator('ann-3'));
  history.review('img-a', a2, 'APPROVED');

  const ingest = history.startRun('ingest', 'git:abc123', { source: 'raw.zip' });
  const chain = ['raw.zip', 'frames', 'crops', 'small', 'kept'];
  const operations = ['decode', 'crop', 'resize', 'filter', 'export'];
  const ingestSteps = operations.map((operation, index) =>
    history.step(
      ingest,
      operation,
      [fileRef(chain[index])],
      index < chain.length - 1 ? [fileRef(chain[index + 1])] : [itemRef('img-a'), itemRef('img-b')],
      { stage: index },
    ),
  );
  history.completeRun(ingest);
  const training = history.startRun('training', 'git:def456', { epochs: 3 });
  const trainStep = history.step(
    training,
    'train',
    [itemRef('img-a'), itemRef('img-b')],
    [{ kind: 'MODEL', id: 'resnet', version: '1' }],
    { lr: 0.01 },
  );
  history.completeRun(training);

  const labels = { a1, a2, b1, b2, b3, c1, c2, d1, d2, e1, e2, f1, f2, f3, g1, g2, g3 };
  return {
    history,
    labels,
    phase1,
    runs: { ingest, training },
    steps: { ingest: ingestSteps, train: trainStep },
    phase1Events: (): PositionedEvent[] => history.events.slice(0, phase1.events),
  };
}

export type PetsScenario = ReturnType<typeof petsScenario>;
