import type { PageContext } from '../context';
import { h, replaceChildren } from '../dom';
import { releasePath } from '../routes';
import type { Release } from '../types';
import { errorBox, facts, loading } from './parts';

/** Looks a release up by its snapshot id (printed by `strata snapshot create` and POST /v1/snapshots). */
export function renderReleasesPage(container: HTMLElement, context: PageContext): void {
  const input = h('input', {
    name: 'snapshotId',
    required: true,
    size: 40,
    placeholder: 'snapshot id (UUID)',
  });
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'open a release' },
    h('label', {}, 'Snapshot id ', input),
    h('button', { type: 'submit' }, 'Open'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    context.navigate(releasePath(input.value.trim()));
  });
  replaceChildren(container, h('h1', {}, 'Releases'), form);
  input.focus();
}

/** A frozen release: what it selected, its offsets and manifest hash, and its rendered datasheet. */
export async function renderReleasePage(container: HTMLElement, snapshotId: string, context: PageContext) {
  replaceChildren(container, loading(`release ${snapshotId}`));
  const path = `/v1/snapshots/${encodeURIComponent(snapshotId)}`;
  let release: Release;
  let datasheet: string;
  try {
    [release, datasheet] = await Promise.all([
      context.api.json<Release>(path),
      context.api.text(`${path}/datasheet`, 'text/html'),
    ]);
  } catch (error) {
    replaceChildren(container, h('h1', {}, 'Release'), errorBox(error));
    return;
  }
  const download = h('button', { type: 'button' }, 'Download manifest');
  download.addEventListener('click', async () => {
    try {
      const manifest = await context.api.text(`${path}/manifest`, 'text/tab-separated-values');
      const link = h('a', {
        href: URL.createObjectURL(new Blob([manifest], { type: 'text/tab-separated-values' })),
        download: `${release.name}.manifest.tsv`,
      });
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      download.after(errorBox(error));
    }
  });
  const offsets = release.offsets.map((o) => `${o.topic}:${o.partition}=${o.offset}`).join(', ');
  replaceChildren(
    container,
    h('h1', {}, `Release ${release.name}`),
    facts([
      ['snapshot', release.snapshotId],
      ['manifest SHA-256', h('code', { id: 'manifest-hash' }, release.manifestSha256)],
      ['items / labels', `${release.itemCount} / ${release.labelCount}`],
      ['dataset', release.dataset ?? 'all'],
      ['task', release.task ?? 'all'],
      ['strategy', release.strategy],
      ['offset vector', offsets],
      ['as of time', release.asOfTime ?? '—'],
      ['frozen at', release.createdAt],
    ]),
    download,
    h('h2', {}, 'Datasheet'),
    // The datasheet is the server's HTML; a sandbox without scripts keeps whatever it quotes inert.
    h('iframe', { id: 'datasheet', title: 'datasheet', sandbox: '', srcdoc: datasheet }),
  );
}
