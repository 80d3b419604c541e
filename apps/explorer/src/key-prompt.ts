import { h, replaceChildren } from './dom';
import { keyStore } from './key-store';

/**
 * Asks for the API key in a modal dialog and keeps it for the browser session. `reason` says why
 * it is asked again (the previous key was refused). Resolves once a key is entered.
 */
export function promptForKey(dialog: HTMLDialogElement, reason?: string): Promise<void> {
  const input = h('input', {
    type: 'password',
    name: 'apiKey',
    required: true,
    autocomplete: 'off',
    size: 60,
    placeholder: 'stk_…',
  });
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', {}, 'API key'),
    reason
      ? h('p', { class: 'error', role: 'alert', id: 'key-error' }, reason)
      : h(
          'p',
          {},
          'The query API needs a key with the read scope: `strata up` leaves one in .strata/admin.key, and `strata keys create` makes more.',
        ),
    h('label', {}, 'Key ', input),
    h('p', { class: 'muted' }, 'Kept for this browser tab only, and sent with every request.'),
    h('button', { type: 'submit' }, 'Use this key'),
  );
  replaceChildren(dialog, form);
  return new Promise((resolve) => {
    form.addEventListener('submit', () => {
      keyStore.set(input.value);
      dialog.close();
      resolve();
    });
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
}
