import { describe, expect, it } from 'vitest';
import {
  LeafStatistics,
  renderDatasheetHtml,
  renderDatasheetMarkdown,
  type DatasheetFacts,
} from './datasheet';

const facts: DatasheetFacts = {
  release: {
    snapshotId: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
    name: 'pets <v1>',
    namespace: 'test',
    dataset: 'pets',
    task: 'class',
    strategy: 'majority:class',
    offsets: [{ topic: 'strata.items', partition: 0, offset: 12 }],
    asOfTime: null,
    manifestSha256: 'ab'.repeat(32),
    itemCount: 4,
    labelCount: 4,
    createdAt: '2026-01-02T00:00:00.000Z',
  },
  labelNodes: 10,
  corrections: 3,
  retractions: 1,
  reviewedLabels: 4,
  rejectedLabels: 1,
  multiLeafItems: 1,
  distribution: [{ task: 'class', value: '"a|b"', leaves: 3 }],
  annotators: [{ kind: 'HUMAN', id: 'ann-1', labels: 7 }],
  tools: [{ tool: 'label-studio', labels: 7 }],
  steps: [],
  sources: [{ source: 'camera', license: 'CC-BY-4.0', items: 4 }],
};

describe('datasheet', () => {
  it('renders Markdown with counts, rates and escaped cells', () => {
    const markdown = renderDatasheetMarkdown(facts);
    expect(markdown).toContain('# Datasheet: pets <v1>');
    expect(markdown).toContain('| corrections | 3 (30.0 % of label nodes) |');
    expect(markdown).toContain('| rejected labels | 1 (25.0 % of reviewed) |');
    expect(markdown).toContain('| items with several leaves | 1 (25.0 %) |');
    expect(markdown).toContain('| class | "a\\|b" | 3 |');
    expect(markdown).toContain('| camera | CC-BY-4.0 | 4 |');
    expect(markdown).toContain('No transformation steps produced these items.');
    expect(markdown).toContain('strata.items:0=12');
  });

  it('renders the same content as escaped HTML', () => {
    const html = renderDatasheetHtml(facts);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>Datasheet: pets &lt;v1&gt;</h1>');
    expect(html).toContain('<td>corrections</td><td>3 (30.0 % of label nodes)</td>');
    expect(html).not.toContain('<v1>');
  });
});

describe('leaf statistics', () => {
  it('counts label values per task and items with several leaves of one task', () => {
    const statistics = new LeafStatistics();
    statistics.add([{ task: 'class', payload: { class: 'cat' } }]);
    statistics.add([
      { task: 'class', payload: { class: 'dog' } },
      { task: 'class', payload: { class: 'cat' } },
    ]);
    statistics.add([
      { task: 'class', payload: { class: 'cat' } },
      { task: 'bbox', payload: [1, 2, 3, 4] },
    ]);
    expect(statistics.multiLeafItems).toBe(1);
    expect(statistics.distribution(10)).toEqual([
      { task: 'bbox', value: '[1,2,3,4]', leaves: 1 },
      { task: 'class', value: '{"class":"cat"}', leaves: 3 },
      { task: 'class', value: '{"class":"dog"}', leaves: 1 },
    ]);
    expect(statistics.distribution(1)).toHaveLength(2);
  });
});
