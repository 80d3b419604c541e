import type { Core } from 'cytoscape';
import { withQuery } from '../api';
import type { PageContext } from '../context';
import { h, replaceChildren } from '../dom';
import { drawGraph } from '../graph-view';
import { lineageElements, lineageTarget, runsOf } from '../lineage-graph';
import { lineagePath } from '../routes';
import type { LineageGraph } from '../types';
import { errorBox, loading, plural } from './parts';

const directions = ['both', 'upstream', 'downstream'] as const;
/** The API's own bounds (400 beyond them). */
const maxDepth = 10;
const nodeLimit = 500;

/**
 * The lineage graph around a node (`item:<id>`, `run:<uuid>`, `artifact:<kind>:<id>[@version]`),
 * with direction and depth controls; tapping an artifact or step re-centres the graph on it.
 */
export async function renderLineagePage(
  container: HTMLElement,
  query: URLSearchParams,
  context: PageContext,
) {
  const node = query.get('node') ?? '';
  const direction = directions.find((d) => d === query.get('direction')) ?? 'both';
  const depth = Math.min(maxDepth, Math.max(1, Number(query.get('depth')) || 3));

  const nodeInput = h('input', {
    name: 'node',
    required: true,
    size: 50,
    value: node,
    placeholder: 'item:<id>, run:<uuid> or artifact:<kind>:<id>[@version]',
  });
  const directionSelect = h(
    'select',
    { name: 'direction' },
    ...directions.map((d) => option(d, d === direction)),
  );
  const depthInput = h('input', { name: 'depth', type: 'number', min: 1, max: maxDepth, value: depth });
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'lineage query' },
    h('label', {}, 'Node ', nodeInput),
    h('label', {}, ' Direction ', directionSelect),
    h('label', {}, ' Depth ', depthInput),
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    context.navigate(lineagePath(nodeInput.value.trim(), directionSelect.value, Number(depthInput.value)));
  });
  const body = h('div', {});
  replaceChildren(container, h('h1', {}, 'Lineage'), form, body);
  if (!node) {
    nodeInput.focus();
    return;
  }

  replaceChildren(body, loading(`lineage of ${node}`));
  let graph: LineageGraph;
  try {
    graph = await context.api.json<LineageGraph>(
      withQuery('/v1/lineage', { node, direction, depth, limit: nodeLimit }),
    );
  } catch (error) {
    replaceChildren(body, errorBox(error));
    return;
  }
  const runs = runsOf(graph);
  const artifacts = graph.nodes.filter((n) => n.kind === 'artifact').length;
  const steps = graph.nodes.length - artifacts;
  const summary = h(
    'p',
    { id: 'lineage-summary', 'data-artifacts': artifacts, 'data-steps': steps, 'data-runs': runs.length },
    `${plural(artifacts, 'artifact version')}, ${plural(steps, 'step')} in ${plural(runs.length, 'run')}, ` +
      `${direction} of ${graph.root} to depth ${depth}.`,
  );
  const graphContainer = h('div', { id: 'lineage-graph', class: 'graph' });
  const runList = h(
    'table',
    { id: 'runs' },
    h('thead', {}, h('tr', {}, h('th', {}, 'run'), h('th', {}, 'steps in this graph'))),
    h(
      'tbody',
      {},
      ...runs.map((run) =>
        h(
          'tr',
          {},
          h(
            'td',
            {},
            h('a', { href: lineagePath(`run:${run.runId}`, 'both', depth), 'data-link': true }, run.runId),
          ),
          h('td', {}, run.operations.join(' → ')),
        ),
      ),
    ),
  );
  replaceChildren(
    body,
    summary,
    graph.truncated
      ? h(
          'p',
          { class: 'warning' },
          `Only the nearest ${nodeLimit} nodes are shown; lower the depth to see all.`,
        )
      : null,
    h(
      'p',
      { class: 'muted' },
      'Tap an artifact or step to centre the lineage on it (a step centres on its run).',
    ),
    graphContainer,
    h('h2', {}, 'Runs'),
    runs.length ? runList : h('p', { class: 'muted' }, 'No run in this graph.'),
  );
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const cy: Core = drawGraph(graphContainer, lineageElements(graph), {
    onTap: (id) => {
      const target = byId.get(id) && lineageTarget(byId.get(id)!);
      if (target) context.navigate(lineagePath(target, direction, depth));
    },
  });
  context.onLeave(() => cy.destroy());
}

function option(value: string, selected: boolean): HTMLOptionElement {
  return h('option', { value, selected }, value);
}
