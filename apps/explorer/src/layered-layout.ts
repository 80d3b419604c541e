/** Where nodes go in a layered drawing: rows (or columns) by longest path from the sources. */

export interface Link {
  source: string;
  target: string;
}

/**
 * The layer of each node: 0 for a node nothing points to, else one past its furthest predecessor, so
 * every edge points down (or right). An edge that closes a cycle (an artifact a step reads and writes
 * unchanged) is ignored for the node it would lift, so cycles still end.
 */
export function layersOf(ids: readonly string[], links: readonly Link[]): Map<string, number> {
  const predecessors = new Map<string, string[]>();
  for (const { source, target } of links)
    predecessors.set(target, [...(predecessors.get(target) ?? []), source]);
  const layers = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (id: string): number => {
    const known = layers.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return -1;
    visiting.add(id);
    const before = (predecessors.get(id) ?? []).map(layerOf);
    visiting.delete(id);
    const layer = Math.max(-1, ...before) + 1;
    layers.set(id, layer);
    return layer;
  };
  for (const id of ids) layerOf(id);
  return layers;
}

/**
 * Positions for a layered drawing flowing `down` (layers are rows) or `right` (layers are
 * columns); within a layer nodes keep the order of `ids`, centred on the axis.
 */
export function layeredPositions(
  ids: readonly string[],
  links: readonly Link[],
  flow: 'down' | 'right',
  spacing = { along: 110, across: 200 },
): Map<string, { x: number; y: number }> {
  const layers = layersOf(ids, links);
  const members = new Map<number, string[]>();
  for (const id of ids) {
    const layer = layers.get(id)!;
    members.set(layer, [...(members.get(layer) ?? []), id]);
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const [layer, layerIds] of members) {
    layerIds.forEach((id, index) => {
      const along = layer * spacing.along;
      const across = (index - (layerIds.length - 1) / 2) * spacing.across;
      positions.set(id, flow === 'down' ? { x: across, y: along } : { x: along, y: across });
    });
  }
  return positions;
}
