import type { ApiClient } from './api';

/** What every page gets: the API, navigation, and a place to register clean-up for when it is left. */
export interface PageContext {
  api: ApiClient;
  navigate(path: string): void;
  onLeave(dispose: () => void): void;
}
