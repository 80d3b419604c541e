import type { ElementDefinition } from 'cytoscape';
import { layeredPositions } from './layered-layout';
import type { LabelHistory, LabelNode, Retraction, Review } from './types';

/** U+0336 after every character draws a line through the text, which canvas labels cannot style. */
export function strikeThrough(text: string): string {
  return [...text].map((character) => `${character}\u0336`).join('');
}

/** A payload short enough for a node's label. */
export function payloadSummary(payload: unknown, max = 32): string {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What hovering a label node shows: who made it, with what, when, and what became of it. */
export function labelDetails(node: LabelNode, retraction?: Retraction, review?: Review): string[] {
  return [
    `${node.task}: ${payloadSummary(node.payload, 80)}`,
    `author: ${node.author.kind.toLowerCase()} ${node.author.id}`,
    `tool: ${node.tool ?? '—'}`,
    `time: ${node.position.eventTime}`,
    node.confidence === null ? '' : `confidence: ${node.confidence}`,
    node.reason ? `correction: ${node.reason}` : '',
    review ? `latest review: ${review.verdict.toLowerCase()} by ${review.reviewer.id}` : '',
    retraction
      ? `retracted at ${retraction.position.eventTime}: ${retraction.reason ?? 'no reason given'}`
      : '',
  ].filter(Boolean);
}

/** What became of each label: leaf or not, its retraction, its latest review. */
export interface LabelState {
  node: LabelNode;
  leaf: boolean;
  retraction?: Retraction;
  latestReview?: Review;
}

/** Every label of the history with its state, in log order. */
export function labelStates(history: LabelHistory): LabelState[] {
  const leaves = new Set(history.leaves);
  const retractions = new Map(history.retractions.map((retraction) => [retraction.labelId, retraction]));
  const latestReview = new Map<string, Review>();
  for (const review of history.reviews) latestReview.set(review.labelId, review);
  return history.nodes.map((node) => ({
    node,
    leaf: leaves.has(node.labelId),
    retraction: retractions.get(node.labelId),
    latestReview: latestReview.get(node.labelId),
  }));
}

/** `leaf`, `retracted`, `corrected` (superseded by a correction), each `· rejected` if its latest review was. */
export function stateText({ leaf, retraction, latestReview }: LabelState): string {
  const state = retraction ? 'retracted' : leaf ? 'leaf' : 'corrected';
  return latestReview?.verdict === 'REJECTED' ? `${state} · rejected` : state;
}

/**
 * The label DAG as graph elements, laid out in rows so that a correction is always drawn under
 * everything it corrects and a consolidation under every label it merges; each row in log order.
 * Edges run from a label to the correction that supersedes it.
 */
export function dagElements(history: LabelHistory): ElementDefinition[] {
  const links = history.edges.map(({ child, parent }) => ({ source: parent, target: child }));
  const positions = layeredPositions(
    history.nodes.map((node) => node.labelId),
    links,
    'down',
  );
  const nodes: ElementDefinition[] = labelStates(history).map((state) => {
    const { node, leaf, retraction, latestReview } = state;
    const text = `${payloadSummary(node.payload)}\n${node.author.id}`;
    const classes = [
      leaf ? 'leaf' : '',
      retraction ? 'retracted' : '',
      latestReview?.verdict === 'REJECTED' ? 'rejected' : '',
    ];
    return {
      group: 'nodes',
      data: {
        id: node.labelId,
        label: retraction ? strikeThrough(text) : text,
        details: labelDetails(node, retraction, latestReview).join('\n'),
      },
      position: positions.get(node.labelId),
      classes: classes.filter(Boolean).join(' '),
    };
  });
  const edges: ElementDefinition[] = links.map(({ source, target }) => ({
    group: 'edges',
    data: { id: `${source}->${target}`, source, target },
  }));
  return [...nodes, ...edges];
}

/**
 * The moments the item's DAG changed, oldest first: its registration and every label, review and
 * retraction. The as-of slider steps through these, since nothing changes in between.
 */
export function timelineOf(history: LabelHistory, registeredAt: string): string[] {
  const times = [
    registeredAt,
    ...history.nodes.map((node) => node.position.eventTime),
    ...history.reviews.map((review) => review.position.eventTime),
    ...history.retractions.map((retraction) => retraction.position.eventTime),
  ];
  return [...new Set(times)].sort((a, b) => Date.parse(a) - Date.parse(b));
}
