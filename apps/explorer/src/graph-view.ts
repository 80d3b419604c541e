import cytoscape, { type Core, type ElementDefinition, type StylesheetJson } from 'cytoscape';

const style: StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'text-wrap': 'wrap',
      'text-max-width': '150px',
      'text-valign': 'center',
      'font-size': 12,
      shape: 'round-rectangle',
      width: 160,
      height: 46,
      'background-color': '#f4f6f8',
      'border-width': 1,
      'border-color': '#8a96a3',
    },
  },
  {
    selector: 'node.leaf',
    style: { 'background-color': '#dff3e0', 'border-color': '#2e7d32', 'border-width': 3 },
  },
  {
    selector: 'node.retracted',
    style: {
      'border-style': 'dashed',
      'border-width': 2,
      opacity: 0.6,
      color: '#666',
      'background-color': '#fff',
    },
  },
  { selector: 'node.rejected', style: { 'border-color': '#c62828', 'border-width': 3 } },
  {
    selector: 'node.step',
    style: { shape: 'ellipse', 'background-color': '#e3ecfa', 'border-color': '#3f6fb5' },
  },
  { selector: 'node.artifact-item', style: { 'background-color': '#fff3e0' } },
  { selector: 'node.artifact-model', style: { 'background-color': '#efe7f8' } },
  { selector: 'node.artifact-dataset', style: { 'background-color': '#e2f4f7' } },
  { selector: 'node.root', style: { 'border-width': 3, 'border-color': '#1d4ed8' } },
  {
    selector: 'edge',
    style: {
      width: 1.5,
      'curve-style': 'bezier',
      'line-color': '#9aa5b1',
      'target-arrow-color': '#9aa5b1',
      'target-arrow-shape': 'triangle',
    },
  },
];

/** Below this zoom the labels cannot be read; a larger graph is shown around a root instead, to pan. */
const minReadableZoom = 0.8;

/**
 * Draws a graph in `container` at its elements' positions. Hovering a node shows its `details` in
 * the page's tooltip, tapping one calls `onTap` with its id.
 */
export function drawGraph(
  container: HTMLElement,
  elements: ElementDefinition[],
  options: { onTap?: (id: string) => void } = {},
): Core {
  // The layout is given at creation: cytoscape would otherwise first lay the nodes out in a grid.
  const layout = { name: 'preset', fit: true, padding: 30 };
  const cy = cytoscape({ container, elements, style, layout, minZoom: 0.2, maxZoom: 1.4 });
  if (cy.zoom() < minReadableZoom) {
    const root = cy.nodes('.root');
    cy.zoom(minReadableZoom);
    cy.center((root.nonempty() ? root : cy.nodes().roots()).first());
  }
  const tooltip = document.getElementById('tooltip')!;
  cy.on('mouseover', 'node', (event) => {
    const { x, y } = event.renderedPosition;
    const box = container.getBoundingClientRect();
    tooltip.textContent = event.target.data('details');
    tooltip.style.left = `${box.left + window.scrollX + x + 12}px`;
    tooltip.style.top = `${box.top + window.scrollY + y + 12}px`;
    tooltip.hidden = false;
  });
  cy.on('mouseout', 'node', () => (tooltip.hidden = true));
  cy.on('destroy', () => (tooltip.hidden = true));
  if (options.onTap) cy.on('tap', 'node', (event) => options.onTap!(event.target.id()));
  return cy;
}
