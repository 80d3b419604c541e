import type { Core } from 'cytoscape';
import { withQuery } from '../api';
import type { PageContext } from '../context';
import { h, replaceChildren } from '../dom';
import { drawGraph } from '../graph-view';
import { dagElements, labelStates, payloadSummary, stateText, timelineOf } from '../label-dag';
import { lineagePath } from '../routes';
import type { ItemWithLeaves, LabelHistory } from '../types';
import { errorBox, facts, loading, plural } from './parts';

/**
 * An item and its label DAG, with a slider over the moments the DAG changed: moving it asks the API
 * for the DAG as of that time and redraws it.
 */
export async function renderItemPage(container: HTMLElement, itemId: string, context: PageContext) {
  replaceChildren(container, loading(`item ${itemId}`));
  const labelsPath = `/v1/items/${encodeURIComponent(itemId)}/labels`;
  let itemWithLeaves: ItemWithLeaves;
  let latest: LabelHistory;
  try {
    [itemWithLeaves, latest] = await Promise.all([
      context.api.json<ItemWithLeaves>(`/v1/items/${encodeURIComponent(itemId)}`),
      context.api.json<LabelHistory>(labelsPath),
    ]);
  } catch (error) {
    replaceChildren(container, h('h1', {}, `Item ${itemId}`), errorBox(error));
    return;
  }
  const { item } = itemWithLeaves;
  const timeline = timelineOf(latest, item.position.eventTime);

  const slider = h('input', {
    type: 'range',
    id: 'as-of',
    'aria-label': 'as of',
    min: 0,
    max: timeline.length - 1,
    step: 1,
    value: timeline.length - 1,
  });
  const asOfText = h('output', { id: 'as-of-time', for: 'as-of' });
  const summary = h('p', { id: 'dag-summary', 'aria-live': 'polite' });
  const status = h('div', { id: 'dag-status' });
  const graph = h('div', { id: 'dag', class: 'graph' });
  const contributors = h('p', { class: 'muted' });
  const table = h('table', { id: 'labels' });

  replaceChildren(
    container,
    h('h1', {}, `Item ${item.itemId}`),
    facts([
      ['URI', item.uri],
      ['content hash', item.contentHash],
      ['media type', item.mediaType],
      ['datasets', item.datasets.join(', ') || '—'],
      ['source', item.source ?? '—'],
      ['license', item.license ?? '—'],
      ['registered', item.position.eventTime],
    ]),
    h(
      'p',
      {},
      h('a', { href: lineagePath(`item:${item.itemId}`), 'data-link': true }, 'Lineage of this item →'),
    ),
    h('h2', {}, 'Label DAG'),
    h('div', { class: 'slider' }, h('label', { for: 'as-of' }, 'As of '), slider, asOfText),
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'swatch leaf' }, 'leaf (trained on)'),
      h('span', { class: 'swatch retracted' }, h('s', {}, 'retracted')),
      h('span', { class: 'swatch rejected' }, 'latest review rejected'),
      ' Arrows point from a label to its correction; hover a label for its author, tool and time.',
    ),
    summary,
    status,
    graph,
    contributors,
    h('h2', {}, 'Labels'),
    table,
  );

  let cy: Core | undefined;
  context.onLeave(() => cy?.destroy());
  const draw = (history: LabelHistory, asOf: string | undefined) => {
    cy?.destroy();
    cy = drawGraph(graph, dagElements(history));
    // Counted from what was drawn, so the page states exactly what the picture shows.
    const nodes = cy.nodes().length;
    const leaves = cy.nodes('.leaf').length;
    const retracted = cy.nodes('.retracted').length;
    Object.assign(summary.dataset, { nodes, leaves, retracted });
    summary.textContent =
      `${plural(nodes, 'label')}, ${plural(leaves, 'leaf', 'leaves')}, ${retracted} retracted` +
      (asOf ? ` as of ${asOf}` : ' (latest)');
    replaceChildren(table, ...labelTable(history));
    contributors.textContent =
      `Authors: ${history.authors.map((a) => `${a.id} (${a.labels})`).join(', ') || '—'}. ` +
      `Tools: ${history.tools.map((t) => `${t.tool} (${t.labels})`).join(', ') || '—'}.`;
  };

  let request = 0;
  const showAsOf = async (index: number) => {
    const asOf = index === timeline.length - 1 ? undefined : timeline[index];
    asOfText.textContent = asOf ?? `latest (${timeline[index]})`;
    const mine = ++request;
    status.replaceChildren();
    try {
      const history = asOf ? await context.api.json<LabelHistory>(withQuery(labelsPath, { asOf })) : latest;
      // A slower answer to an earlier slider position must not overwrite a newer one.
      if (mine === request) draw(history, asOf);
    } catch (error) {
      if (mine === request) replaceChildren(status, errorBox(error));
    }
  };
  slider.addEventListener('input', () => void showAsOf(Number(slider.value)));
  await showAsOf(timeline.length - 1);
}

/** The drawn labels as a table too: readable without a pointer, and by screen readers. */
function labelTable(history: LabelHistory): HTMLElement[] {
  const head = h(
    'thead',
    {},
    h('tr', {}, ...['label', 'task', 'author', 'tool', 'time', 'state'].map((title) => h('th', {}, title))),
  );
  const rows = labelStates(history).map((state) => {
    const { node, retraction } = state;
    const payload = payloadSummary(node.payload, 60);
    return h(
      'tr',
      { 'data-label-id': node.labelId },
      h('td', {}, retraction ? h('s', {}, payload) : payload),
      h('td', {}, node.task),
      h('td', {}, `${node.author.kind.toLowerCase()} ${node.author.id}`),
      h('td', {}, node.tool ?? '—'),
      h('td', {}, node.position.eventTime),
      h('td', {}, stateText(state)),
    );
  });
  return [head, h('tbody', {}, ...rows)];
}
