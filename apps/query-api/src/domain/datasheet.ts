import { formatOffsetVector } from './as-of';
import { canonicalJson, compareText } from './labels';
import type { Release } from './lineage';

/**
 * A datasheet for a release ("Datasheets for Datasets", Gebru et al.), computed from the lineage the
 * views hold at the release's offset vector — nothing is typed in by hand, so it cannot drift.
 */
export interface DatasheetFacts {
  release: Release;
  /** Label nodes (every version, retracted included) of the release's items. */
  labelNodes: number;
  corrections: number;
  retractions: number;
  reviewedLabels: number;
  rejectedLabels: number;
  multiLeafItems: number;
  distribution: { task: string; value: string; leaves: number }[];
  annotators: { kind: string; id: string; labels: number }[];
  tools: { tool: string; labels: number }[];
  steps: {
    job: string;
    runId: string;
    operation: string;
    codeVersion: string | null;
    parameters: string;
    inputRecords: number | null;
    outputRecords: number | null;
    endedAt: string;
  }[];
  sources: { source: string | null; license: string | null; items: number }[];
}

/** Markdown and HTML are two renderings of the same blocks, so they cannot say different things. */
type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; header: string[]; rows: string[][] };

const percent = (part: number, whole: number) =>
  whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)} %`;
const orDash = (value: string | number | null) => (value === null || value === '' ? '—' : String(value));

function datasheetBlocks(facts: DatasheetFacts): Block[] {
  const { release } = facts;
  const section = (text: string): Block => ({ kind: 'heading', level: 2, text });
  const table = (header: string[], rows: string[][], empty: string): Block =>
    rows.length ? { kind: 'table', header, rows } : { kind: 'paragraph', text: empty };
  return [
    { kind: 'heading', level: 1, text: `Datasheet: ${release.name}` },
    {
      kind: 'table',
      header: ['property', 'value'],
      rows: [
        ['snapshot', release.snapshotId],
        ['dataset', orDash(release.dataset)],
        ['task', orDash(release.task)],
        ['consolidation strategy', release.strategy],
        ['offset vector', formatOffsetVector(release.offsets)],
        ['as of time', orDash(release.asOfTime)],
        ['manifest SHA-256', release.manifestSha256],
        ['frozen at', release.createdAt],
      ],
    },
    section('Composition'),
    {
      kind: 'table',
      header: ['measure', 'value'],
      rows: [
        ['items', String(release.itemCount)],
        ['labels in the manifest', String(release.labelCount)],
        ['label nodes in the history', String(facts.labelNodes)],
        [
          'corrections',
          `${facts.corrections} (${percent(facts.corrections, facts.labelNodes)} of label nodes)`,
        ],
        ['retractions', String(facts.retractions)],
        ['reviewed labels', `${facts.reviewedLabels} (${percent(facts.reviewedLabels, facts.labelNodes)})`],
        [
          'rejected labels',
          `${facts.rejectedLabels} (${percent(facts.rejectedLabels, facts.reviewedLabels)} of reviewed)`,
        ],
        [
          'items with several leaves',
          `${facts.multiLeafItems} (${percent(facts.multiLeafItems, release.itemCount)})`,
        ],
      ],
    },
    section('Label distribution per task'),
    table(
      ['task', 'value', 'leaves'],
      facts.distribution.map((row) => [row.task, row.value, String(row.leaves)]),
      'No labels.',
    ),
    section('Annotators and tools'),
    table(
      ['author kind', 'author', 'labels'],
      facts.annotators.map((row) => [row.kind, row.id, String(row.labels)]),
      'No annotators.',
    ),
    table(
      ['tool', 'labels'],
      facts.tools.map((row) => [row.tool, String(row.labels)]),
      'No tools recorded.',
    ),
    section('Transformation steps'),
    table(
      ['job', 'run', 'operation', 'code version', 'parameters', 'records in → out', 'ended'],
      facts.steps.map((step) => [
        step.job,
        step.runId,
        step.operation,
        orDash(step.codeVersion),
        step.parameters,
        `${orDash(step.inputRecords)} → ${orDash(step.outputRecords)}`,
        step.endedAt,
      ]),
      'No transformation steps produced these items.',
    ),
    section('Sources and licenses'),
    table(
      ['source', 'license', 'items'],
      facts.sources.map((row) => [orDash(row.source), orDash(row.license), String(row.items)]),
      'No items.',
    ),
  ];
}

const escapeMarkdownCell = (text: string) =>
  text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );

export function renderDatasheetMarkdown(facts: DatasheetFacts): string {
  const lines = datasheetBlocks(facts).map((block) => {
    switch (block.kind) {
      case 'heading':
        return `${'#'.repeat(block.level)} ${escapeMarkdownCell(block.text)}\n`;
      case 'paragraph':
        return `${block.text}\n`;
      case 'table': {
        const row = (cells: string[]) => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
        return (
          [row(block.header), row(block.header.map(() => '---')), ...block.rows.map(row)].join('\n') + '\n'
        );
      }
    }
  });
  return lines.join('\n');
}

export function renderDatasheetHtml(facts: DatasheetFacts): string {
  const body = datasheetBlocks(facts).map((block) => {
    switch (block.kind) {
      case 'heading':
        return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
      case 'paragraph':
        return `<p>${escapeHtml(block.text)}</p>`;
      case 'table': {
        const cells = (tag: string, values: string[]) =>
          `<tr>${values.map((value) => `<${tag}>${escapeHtml(value)}</${tag}>`).join('')}</tr>`;
        return `<table>\n<thead>${cells('th', block.header)}</thead>\n<tbody>\n${block.rows
          .map((values) => cells('td', values))
          .join('\n')}\n</tbody>\n</table>`;
      }
    }
  });
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`Datasheet: ${facts.release.name}`)}</title>`,
    '<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}table{border-collapse:collapse;margin:1em 0}' +
      'td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style></head><body>',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

/** Past this many distinct label values, further values are counted together as one row. */
const maxDistinctValues = 10_000;
const otherValues = '(other values)';
const maxValueLength = 120;

/**
 * The leaf-side facts of a datasheet, accumulated item by item as the release's leaves stream past,
 * in memory bounded by the number of distinct label values (capped), never by the release size.
 */
export class LeafStatistics {
  private readonly perTask = new Map<string, Map<string, number>>();
  private distinctValues = 0;
  multiLeafItems = 0;

  /** Adds the leaves of one item. */
  add(leaves: readonly { task: string; payload: unknown }[]): void {
    const leavesPerTask = new Map<string, number>();
    for (const leaf of leaves) {
      leavesPerTask.set(leaf.task, (leavesPerTask.get(leaf.task) ?? 0) + 1);
      const values = this.perTask.get(leaf.task) ?? new Map<string, number>();
      this.perTask.set(leaf.task, values);
      let value = canonicalJson(leaf.payload);
      if (value.length > maxValueLength) value = `${value.slice(0, maxValueLength - 1)}…`;
      if (!values.has(value)) {
        if (this.distinctValues >= maxDistinctValues) value = otherValues;
        else this.distinctValues += 1;
      }
      values.set(value, (values.get(value) ?? 0) + 1);
    }
    if ([...leavesPerTask.values()].some((count) => count > 1)) this.multiLeafItems += 1;
  }

  /** The most frequent values per task, `rowsPerTask` at most each, tasks in name order. */
  distribution(rowsPerTask: number): DatasheetFacts['distribution'] {
    return [...this.perTask.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .flatMap(([task, values]) =>
        [...values.entries()]
          .sort(([valueA, a], [valueB, b]) => b - a || compareText(valueA, valueB))
          .slice(0, rowsPerTask)
          .map(([value, leaves]) => ({ task, value, leaves })),
      );
  }
}
