import { createApiClient, KeyRejectedError } from './api';
import type { PageContext } from './context';
import { h, replaceChildren } from './dom';
import { keyStore } from './key-store';
import { promptForKey } from './key-prompt';
import { renderItemPage } from './pages/item-page';
import { renderLineagePage } from './pages/lineage-page';
import { renderReleasePage, renderReleasesPage } from './pages/releases-page';
import { renderSearchPage } from './pages/search-page';
import { matchRoute } from './routes';

const page = document.getElementById('page')!;
const dialog = document.getElementById('key-dialog') as HTMLDialogElement;
let leaving: (() => void)[] = [];
let prompting: Promise<void> | undefined;

/** One prompt at a time, however many requests were refused at once; the page is redrawn after it. */
function askForKey(reason?: string): Promise<void> {
  prompting ??= promptForKey(dialog, reason).then(() => {
    prompting = undefined;
    void render();
  });
  return prompting;
}

const api = createApiClient({
  key: () => keyStore.get(),
  onKeyRejected: (message) => {
    keyStore.clear();
    void askForKey(message);
  },
});

const context: PageContext = {
  api,
  navigate: (path) => {
    history.pushState(null, '', path);
    void render();
  },
  onLeave: (dispose) => leaving.push(dispose),
};

async function render(): Promise<void> {
  for (const dispose of leaving) dispose();
  leaving = [];
  const route = matchRoute(location.pathname);
  try {
    switch (route?.page) {
      case 'search':
        return renderSearchPage(page, context);
      case 'item':
        return await renderItemPage(page, route.itemId, context);
      case 'lineage':
        return await renderLineagePage(page, new URLSearchParams(location.search), context);
      case 'releases':
        return renderReleasesPage(page, context);
      case 'release':
        return await renderReleasePage(page, route.snapshotId, context);
      case undefined:
        replaceChildren(
          page,
          h('h1', {}, 'Not found'),
          h('p', {}, `The explorer has no page ${location.pathname}.`),
        );
    }
  } catch (error) {
    // Pages show their own API failures; a refused key is already being asked for again.
    if (!(error instanceof KeyRejectedError)) throw error;
  }
}

// Links inside the app change the page without reloading it (and without losing the dialog state).
document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest('a[data-link]') as HTMLAnchorElement | null;
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  context.navigate(link.getAttribute('href')!);
});
window.addEventListener('popstate', () => void render());
// Every request needs a key, so Escape must not leave the dialog closed with none.
dialog.addEventListener('cancel', (event) => event.preventDefault());
document.getElementById('change-key')!.addEventListener('click', () => void askForKey());

if (keyStore.get()) void render();
else void askForKey();
