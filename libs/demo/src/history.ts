import { createHash } from 'node:crypto';
import type {
  ActorKind,
  Author,
  ItemRegistered,
  LabelCorrected,
  LabelCreated,
  LabelRetracted,
  LabelReviewed,
} from '@strata/contracts';
import type { EventInput } from '@strata/sdk';
import { SeededRandom } from './random';

export interface DemoOptions {
  items: number;
  seed: number;
  namespace: string;
}

/** One SDK call of the demo history, with every id and time fixed by the seed. */
export type DemoCall =
  | { method: 'registerItem'; input: EventInput<ItemRegistered> }
  | { method: 'createLabel'; input: EventInput<LabelCreated> }
  | { method: 'correctLabel'; input: EventInput<LabelCorrected> }
  | { method: 'reviewLabel'; input: EventInput<LabelReviewed> }
  | { method: 'retractLabel'; input: EventInput<LabelRetracted> };

export interface DemoSample {
  itemId: string;
  dataset: string;
  contentHash: string;
}

/** Item ids worth querying after the demo, each showing one feature of the model. */
export interface DemoHighlights {
  consolidated?: string;
  correctedMonthsLater?: string;
  retractedCorrection?: string;
  rejected?: string;
  modelOnlyRetracted?: string;
}

export interface DemoHistory {
  calls: DemoCall[];
  samples: DemoSample[];
  highlights: DemoHighlights;
}

export const demoDatasets = {
  scenes: 'street-scenes',
  reviews: 'product-reviews',
} as const;

const annotators = ['alice', 'bob', 'chen', 'dana'] as const;
const seniorAnnotator = 'erin';
const reviewer = 'qa-frank';
const sceneClasses = ['car', 'pedestrian', 'cyclist', 'truck'] as const;
const sentiments = ['positive', 'negative', 'neutral'] as const;
const day = 24 * 60 * 60 * 1000;
/** The history starts here, not "now", so the same seed gives the same events on every run. */
const historyStart = Date.UTC(2024, 0, 8, 9, 0, 0);

interface LabelNode {
  labelId: string;
  value: string;
  time: number;
  author: Author;
}

/**
 * A realistic, seeded labelling history over two datasets: registered items; model pre-labels and
 * human labels from several annotators; overlapping labels consolidated months later into one
 * (multi-parent correction); single corrections after a guideline change; reviews with rejections;
 * retractions of mistaken corrections and of withdrawn model labels. Calls are in time order.
 */
export function generateDemoHistory(options: DemoOptions): DemoHistory {
  const random = new SeededRandom(options.seed);
  const calls: { time: number; call: DemoCall }[] = [];
  const samples: DemoSample[] = [];
  const highlights: DemoHighlights = {};
  const envelope = (time: number, kind: ActorKind, id: string) => ({
    eventId: random.uuid(),
    eventTime: time,
    actor: { kind, id },
    namespace: options.namespace,
  });
  const add = (time: number, call: DemoCall) => calls.push({ time, call });

  for (let index = 0; index < options.items; index++) {
    const isScene = index % 5 < 3;
    const dataset = isScene ? demoDatasets.scenes : demoDatasets.reviews;
    const itemId = random.uuid();
    const name = `${String(index).padStart(6, '0')}.${isScene ? 'jpg' : 'txt'}`;
    const contentHash = createHash('sha256').update(`${options.seed}/${dataset}/${name}`).digest('hex');
    const registeredAt = historyStart + index * 7 * 60 * 1000;
    samples.push({ itemId, dataset, contentHash });
    add(registeredAt, {
      method: 'registerItem',
      input: {
        envelope: envelope(registeredAt, 'SERVICE', 'ingest-bot'),
        itemId,
        uri: `s3://strata-demo/${dataset}/${name}`,
        contentHash: `sha256:${contentHash}`,
        mediaType: isScene ? 'image/jpeg' : 'text/plain',
        datasets: random.chance(0.05) ? [dataset, 'holdout'] : [dataset],
        source: isScene ? 'dashcam-fleet-eu' : 'shop-export-2023',
        license: isScene ? 'CC-BY-4.0' : 'proprietary',
        attributes: { split: random.pick(['train', 'train', 'train', 'val', 'test']) },
      },
    });

    const task = isScene ? 'class' : 'sentiment';
    const values: readonly string[] = isScene ? sceneClasses : sentiments;
    const truth = random.pick(values);
    const label = (time: number, author: Author, value: string, confidence: number | null): LabelNode => {
      const node = { labelId: random.uuid(), value, time, author };
      add(time, {
        method: 'createLabel',
        input: {
          envelope: envelope(time, author.kind, author.id),
          itemId,
          labelId: node.labelId,
          task,
          payload: JSON.stringify({ [task]: value }),
          author,
          tool: author.kind === 'MODEL' ? 'batch-inference' : 'label-studio',
          confidence,
          guidelineVersion: author.kind === 'MODEL' ? null : 'v1',
        },
      });
      return node;
    };
    const correct = (
      time: number,
      parents: LabelNode[],
      value: string,
      reason: string,
      annotator: string = seniorAnnotator,
    ): LabelNode => {
      const author: Author = { kind: 'HUMAN', id: annotator };
      const node = { labelId: random.uuid(), value, time, author };
      add(time, {
        method: 'correctLabel',
        input: {
          envelope: envelope(time, 'HUMAN', annotator),
          itemId,
          labelId: node.labelId,
          task,
          payload: JSON.stringify({ [task]: value }),
          author,
          tool: 'label-studio',
          parents: parents.map((parent) => parent.labelId),
          reason,
          guidelineVersion: annotator === seniorAnnotator ? 'v2' : 'v1',
        },
      });
      return node;
    };
    const retract = (time: number, node: LabelNode, reason: string) =>
      add(time, {
        method: 'retractLabel',
        input: { envelope: envelope(time, 'HUMAN', seniorAnnotator), itemId, labelId: node.labelId, reason },
      });

    const labelledAt = registeredAt + random.integer(20, 60) * day;
    let preLabel: LabelNode | undefined;
    if (random.chance(0.7)) {
      const modelValue = random.chance(0.8) ? truth : random.pick(values);
      const model: Author = { kind: 'MODEL', id: isScene ? 'scene-classifier-v1' : 'sentiment-bert-v2' };
      preLabel = label(
        labelledAt - day,
        model,
        modelValue,
        Math.round((0.55 + random.next() * 0.44) * 100) / 100,
      );
      if (random.chance(0.02)) {
        retract(labelledAt + 3 * day, preLabel, 'model output withdrawn: miscalibrated checkpoint');
        highlights.modelOnlyRetracted ??= itemId;
      }
    }
    // An annotator either starts from the model's pre-annotation (correcting it) or from scratch.
    const annotator = random.pick(annotators);
    const firstValue = random.chance(0.85) ? truth : random.pick(values);
    const first = preLabel
      ? correct(labelledAt, [preLabel], firstValue, 'pre-annotation reviewed', annotator)
      : label(labelledAt, { kind: 'HUMAN', id: annotator }, firstValue, null);
    let leaf = first;

    if (random.chance(0.25)) {
      const others = annotators.filter((annotator) => annotator !== first.author.id);
      const second = label(
        labelledAt + random.integer(1, 10) * day,
        { kind: 'HUMAN', id: random.pick(others) },
        random.chance(0.8) ? truth : random.pick(values),
        null,
      );
      if (second.value !== first.value) {
        const consolidatedAt = labelledAt + random.integer(120, 240) * day;
        leaf = correct(consolidatedAt, [first, second], truth, 'consolidated disagreeing annotations');
        highlights.consolidated ??= itemId;
      }
    } else if (random.chance(0.12)) {
      const correctedAt = labelledAt + random.integer(90, 300) * day;
      const corrected = correct(
        correctedAt,
        [first],
        truth === first.value ? random.pick(values) : truth,
        'guideline v2 relabel',
      );
      if (random.chance(0.15)) {
        retract(correctedAt + random.integer(2, 20) * day, corrected, 'mistaken correction');
        highlights.retractedCorrection ??= itemId;
      } else {
        leaf = corrected;
        highlights.correctedMonthsLater ??= itemId;
      }
    }

    if (random.chance(0.3)) {
      const reviewedAt = leaf.time + random.integer(1, 30) * day;
      const rejected = random.chance(0.15);
      add(reviewedAt, {
        method: 'reviewLabel',
        input: {
          envelope: envelope(reviewedAt, 'HUMAN', reviewer),
          itemId,
          labelId: leaf.labelId,
          verdict: rejected ? 'REJECTED' : 'APPROVED',
          reviewer: { kind: 'HUMAN', id: reviewer },
          comment: rejected ? 'label does not match the image' : null,
        },
      });
      if (rejected) highlights.rejected ??= itemId;
    }
  }

  calls.sort((a, b) => a.time - b.time);
  return { calls: calls.map((entry) => entry.call), samples, highlights };
}
