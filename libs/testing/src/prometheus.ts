/**
 * The value of one series in a Prometheus text exposition, matched by name and by the given labels
 * (in any order; labels not given may have any value). Undefined when no series matches; when
 * several match, their sum, so `{ projection: 'labels' }` totals the lag over all partitions.
 */
export function prometheusSample(
  exposition: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  let total: number | undefined;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const seriesLabels = new Map(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((label) => [
        label[1],
        label[2].replace(/\\(.)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped)),
      ]),
    );
    if (Object.entries(labels).every(([key, value]) => seriesLabels.get(key) === value)) {
      total = (total ?? 0) + Number(match[3]);
    }
  }
  return total;
}
