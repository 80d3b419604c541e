import type { ArtifactRow, BatchFootprint, ViewChanges } from './types';

/**
 * The kinds of ids a build stores and a batch's prior state looks up. The same string of two kinds
 * is two keys: `labelledItem` is an item that has at least one label node, not a registered item.
 */
export type StoredIdKind =
  'event' | 'item' | 'labelledItem' | 'label' | 'run' | 'step' | 'snapshot' | 'artifact';

const kindSeeds: Record<StoredIdKind, number> = {
  event: 0x9e3779b1,
  item: 0x85ebca77,
  labelledItem: 0xc2b2ae3d,
  label: 0x27d4eb2f,
  run: 0x165667b1,
  step: 0xd3a2646c,
  snapshot: 0xfd7046c5,
  artifact: 0x61c88647,
};

/** Bits per expected id and probes per id: about 0.7 % false "maybe" at the expected count. */
const bitsPerId = 12;
const probes = 4;
/** Past this the filter stops growing: a longer log only gets more false "maybe" answers, each one lookup. */
const defaultMaxBytes = 32 * 2 ** 20;

/** Murmur3's finalizer: spreads every input bit over the whole 32-bit word. */
function mix(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * A Bloom filter of the ids written into one build, for a build this process created empty and is
 * the only writer of (a rebuild). An id it was never given is certainly not stored, so its lookup
 * can be skipped; `mayContain` true only means "maybe", and the lookup runs as before. Ids are
 * added before their batch commits, so every committed id is in the filter when a later batch asks;
 * a batch rolled back leaves its ids in it, which only costs lookups. Its size is fixed when made,
 * so memory stays flat however long the log. Its bits live in shared memory, so the threads of one
 * rebuild use one filter: an id any of them committed is "maybe" to all.
 */
export class StoredIdFilter {
  private readonly words: Int32Array;
  private readonly mask: number;
  /** The last hashed id's first probe and probe step (see {@link hash}). */
  private first = 0;
  private step = 1;

  /**
   * `expectedIds`: about how many ids will be added, all kinds together. Or the {@link buffer} of a
   * filter made in another thread: both then hold the same bits, and an id either adds the other sees.
   */
  constructor(expectedIds: number | SharedArrayBuffer, maxBytes = defaultMaxBytes) {
    if (typeof expectedIds !== 'number') {
      this.words = new Int32Array(expectedIds);
    } else {
      const wantedBits = Math.max(1024, Math.min(expectedIds * bitsPerId, maxBytes * 8));
      this.words = new Int32Array(new SharedArrayBuffer(2 ** Math.ceil(Math.log2(wantedBits)) / 8));
    }
    this.mask = this.words.length * 32 - 1;
  }

  /** The bits, for a filter in another thread (a rebuild's workers share one). */
  get buffer(): SharedArrayBuffer {
    return this.words.buffer as SharedArrayBuffer;
  }

  /** Bytes the filter holds. */
  get byteLength(): number {
    return this.words.byteLength;
  }

  add(kind: StoredIdKind, id: string): void {
    this.hash(kind, id);
    for (let i = 0; i < probes; i++) {
      const bit = (this.first + Math.imul(i, this.step)) & this.mask;
      // Atomic: two threads setting bits of one word must not lose either's bit.
      Atomics.or(this.words, bit >>> 5, 1 << (bit & 31));
    }
  }

  /** False: `id` was never added as `kind`. True: it may have been. */
  mayContain(kind: StoredIdKind, id: string): boolean {
    this.hash(kind, id);
    for (let i = 0; i < probes; i++) {
      const bit = (this.first + Math.imul(i, this.step)) & this.mask;
      // Atomic (a plain load on x86 and ARM): sees every bit another thread's add has set.
      if ((Atomics.load(this.words, bit >>> 5) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /**
   * The two probe hashes of (kind, id) for double hashing, kept in fields rather than returned in
   * an array: every id of the log is hashed twice or more, and the arrays were garbage. One FNV-1a
   * pass over the id, then two different finalizers; the step is odd so the probes differ. Ids that
   * collide in the 32-bit pass collide in every probe, which at 3M ids adds under 0.1 % of false
   * "maybe" answers.
   */
  private hash(kind: StoredIdKind, id: string): void {
    let hash = 0x811c9dc5 ^ kindSeeds[kind];
    for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    this.first = mix(hash);
    this.step = mix(hash ^ 0x5bd1e995) | 1;
  }
}

/**
 * The eventIds a batch applied or dead-lettered: each applied event made exactly one row carrying
 * its origin (its registration, label node, review, retraction, run, completion, step or
 * snapshot), re-deliveries made none.
 */
export function processedEventIdsOf(changes: ViewChanges): string[] {
  const eventIds: string[] = [];
  for (const rows of [
    changes.items,
    changes.labelNodes,
    changes.labelReviews,
    changes.labelRetractions,
    changes.runs,
    changes.runCompletions,
    changes.runSteps,
    changes.snapshots,
  ])
    for (const row of rows) eventIds.push(row.origin.eventId);
  for (const deadLetter of changes.deadLetters)
    if (deadLetter.eventId !== null) eventIds.push(deadLetter.eventId);
  return eventIds;
}

/** Adds every id the batch's changes store to the filter: what later batches' lookups may find. */
export function addStoredIds(filter: StoredIdFilter, changes: ViewChanges): void {
  for (const eventId of processedEventIdsOf(changes)) filter.add('event', eventId);
  for (const { itemId } of changes.items) filter.add('item', itemId);
  for (const { labelId, itemId } of changes.labelNodes) {
    filter.add('label', labelId);
    filter.add('labelledItem', itemId);
  }
  for (const { runId } of changes.runs) filter.add('run', runId);
  for (const { stepId } of changes.runSteps) filter.add('step', stepId);
  for (const { snapshotId } of changes.snapshots) filter.add('snapshot', snapshotId);
}

/**
 * The keys of `artifacts` (one batch's, each once) that no earlier batch of the build stored or
 * claimed, which the writer may therefore COPY instead of upserting; all of them are added to the
 * filter in the same synchronous pass. Batches of several partitions are written at once and may share
 * a new key (a dataset version one run writes and the next reads): only the first to be claimed
 * gets it, the other sees "maybe" and upserts. Either write may reach the key first: the writer's
 * COPY of claimed keys gives way to an upsert when it finds the key taken.
 */
export function claimNewArtifactKeys(filter: StoredIdFilter, artifacts: readonly ArtifactRow[]): Set<string> {
  const claimed = new Set<string>();
  for (const { artifactKey } of artifacts) {
    if (!filter.mayContain('artifact', artifactKey)) claimed.add(artifactKey);
    filter.add('artifact', artifactKey);
  }
  return claimed;
}

/** The ids each prior-state query looks up. */
export interface PriorStateLookups {
  eventIds: string[];
  /** Items whose registration is looked up. */
  registeredItemIds: string[];
  /** Items whose labels are loaded. */
  labelledItemIds: string[];
  labelIds: string[];
  runIds: string[];
  stepIds: string[];
  snapshotIds: string[];
}

/**
 * What the prior-state queries must look up for `footprint`: all of it, or, given the build's
 * {@link StoredIdFilter}, only the ids it may hold. The answer for the others is known: not stored
 * (an item never given a label node has no labels to load).
 */
export function priorStateLookups(footprint: BatchFootprint, stored?: StoredIdFilter): PriorStateLookups {
  const mayBe = (kind: StoredIdKind, ids: string[]) =>
    stored ? ids.filter((id) => stored.mayContain(kind, id)) : ids;
  return {
    eventIds: mayBe('event', footprint.eventIds),
    registeredItemIds: mayBe('item', footprint.itemIds),
    labelledItemIds: mayBe('labelledItem', footprint.itemIds),
    labelIds: mayBe('label', footprint.labelIds),
    runIds: mayBe('run', footprint.runIds),
    stepIds: mayBe('step', footprint.stepIds),
    snapshotIds: mayBe('snapshot', footprint.snapshotIds),
  };
}
