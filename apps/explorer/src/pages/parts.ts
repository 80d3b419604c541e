import { h } from '../dom';

/** A failure shown where the page's content would be, read out by screen readers. */
export function errorBox(error: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, (error as Error).message);
}

export function loading(what: string): HTMLElement {
  return h('p', { class: 'muted' }, `Loading ${what}…`);
}

/** A definition list of facts about one thing. */
export function facts(entries: [term: string, value: string | Node][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    ...entries.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

/** `1 label`, `2 labels`, `1 leaf`, `3 leaves`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
