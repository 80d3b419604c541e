/** Whether text/html outranks text/markdown in an Accept header (by q-value, then by order). */
export function prefersHtml(accept: string | undefined): boolean {
  const ranked = (accept ?? '')
    .split(',')
    .map((part, index) => {
      const [type, ...parameters] = part.trim().toLowerCase().split(';');
      const q = parameters.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { type: type.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && (entry.type === 'text/html' || entry.type === 'text/markdown'))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.type === 'text/html';
}
