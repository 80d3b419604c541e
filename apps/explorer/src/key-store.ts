const storageKey = 'strata.apiKey';

/** The API key for this browser session: sessionStorage is per tab and gone when the tab closes. */
export const keyStore = {
  get(): string | null {
    return sessionStorage.getItem(storageKey);
  },
  set(key: string): void {
    sessionStorage.setItem(storageKey, key.trim());
  },
  clear(): void {
    sessionStorage.removeItem(storageKey);
  },
};
