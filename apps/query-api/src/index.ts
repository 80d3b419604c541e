export { startQueryApi, freezeRelease, createQueryApiApp } from './start';
export type { StartQueryApiOptions, RunningQueryApi } from './start';
export type { CreateReleaseRequest, FrozenRelease } from './services/snapshots.service';
export type { Release } from './domain/lineage';
