import { withQuery } from '../api';
import type { PageContext } from '../context';
import { h, replaceChildren } from '../dom';
import { itemPath } from '../routes';
import { errorBox, loading } from './parts';

/** Stop reading a dataset's export after this many matches, or this many lines scanned. */
const maxMatches = 50;
const maxScannedLines = 20_000;

interface ExportLine {
  itemId: string;
  uri: string;
}

/**
 * Opens an item by id, or lists a dataset's labelled items whose id or URI contains some text. The
 * API has no item search, so browsing reads the head of the dataset's training-set export (in item
 * id order) and stops as soon as it has enough.
 */
export function renderSearchPage(container: HTMLElement, context: PageContext): void {
  const itemInput = h('input', { name: 'itemId', required: true, placeholder: 'e.g. img-000042', size: 40 });
  const openForm = h(
    'form',
    { class: 'card', 'aria-label': 'open an item' },
    h('h2', {}, 'Open an item'),
    h('label', {}, 'Item id ', itemInput),
    h('button', { type: 'submit' }, 'Open'),
  );
  openForm.addEventListener('submit', (event) => {
    event.preventDefault();
    context.navigate(itemPath(itemInput.value.trim()));
  });

  const datasetInput = h('input', { name: 'dataset', required: true, placeholder: 'dataset name' });
  const containsInput = h('input', { name: 'contains', placeholder: 'id or URI contains (optional)' });
  const results = h('div', { id: 'search-results' });
  const browseForm = h(
    'form',
    { class: 'card', 'aria-label': 'browse a dataset' },
    h('h2', {}, 'Browse a dataset'),
    h('label', {}, 'Dataset ', datasetInput),
    h('label', {}, ' Contains ', containsInput),
    h('button', { type: 'submit' }, 'Search'),
    results,
  );
  browseForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void browse(datasetInput.value.trim(), containsInput.value.trim(), results, context);
  });

  replaceChildren(container, h('h1', {}, 'Items'), openForm, browseForm);
  itemInput.focus();
}

async function browse(dataset: string, contains: string, results: HTMLElement, context: PageContext) {
  replaceChildren(results, loading(`items of ${dataset}`));
  const matches = new Map<string, ExportLine>();
  let scanned = 0;
  const needle = contains.toLowerCase();
  try {
    await context.api.ndjson(withQuery('/v1/training-set', { dataset, strategy: 'all-leaves' }), (lines) => {
      for (const line of lines.slice(scanned) as ExportLine[]) {
        const text = `${line.itemId} ${line.uri}`.toLowerCase();
        if (!needle || text.includes(needle)) matches.set(line.itemId, line);
      }
      scanned = lines.length;
      return matches.size >= maxMatches || scanned >= maxScannedLines;
    });
  } catch (error) {
    replaceChildren(results, errorBox(error));
    return;
  }
  if (matches.size === 0) {
    replaceChildren(results, h('p', { class: 'muted' }, `No labelled item of ${dataset} matches.`));
    return;
  }
  const list = h('ul', { class: 'results' });
  for (const { itemId, uri } of [...matches.values()].slice(0, maxMatches)) {
    list.append(
      h('li', {}, h('a', { href: itemPath(itemId), 'data-link': true }, itemId), ' ', h('code', {}, uri)),
    );
  }
  replaceChildren(results, list);
}
