import type { OffsetPosition } from '@strata/contracts';
import { InvalidAsOfError, type AsOf } from './as-of';

/** What a reader may ask for: a point of the log, or a frozen release whose offset vector is looked up. */
export type AsOfRequest = AsOf | { kind: 'snapshot'; snapshotId: string };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const topicPattern = /^[A-Za-z0-9._-]{1,249}$/;
// Date, or date-time with an explicit zone: a zoneless time would silently mean the server's zone.
const isoTimePattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const maxPositions = 1024;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/**
 * Parses the as-of syntax shared by the query API's `asOf` and the CLI's `--as-of`: absent or
 * `latest`, an ISO-8601 time, an offset vector `strata.items:0=120,strata.items:1=98` (optionally
 * prefixed `offsets:`), or `snapshot:<uuid>`. Throws an InvalidAsOfError saying why for anything else;
 * callers name their own parameter.
 */
export function parseAsOf(raw: string | undefined): AsOfRequest {
  const text = raw?.trim() ?? '';
  if (text === '' || text === 'latest') return { kind: 'latest' };
  if (text.startsWith('snapshot:')) {
    const snapshotId = text.slice('snapshot:'.length);
    if (!isUuid(snapshotId)) throw new InvalidAsOfError('snapshot:<id> needs a UUID');
    return { kind: 'snapshot', snapshotId: snapshotId.toLowerCase() };
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) return { kind: 'time', time: parseIsoTime(text) };
  return { kind: 'offsets', offsets: parseOffsetVector(text.replace(/^offsets:/, '')) };
}

function parseIsoTime(text: string): Date {
  // A `+` in a query string arrives decoded as a space; put it back before matching the zone.
  const normalized = text.replace(/ (\d{2}:\d{2})$/, '+$1');
  const match = isoTimePattern.exec(normalized);
  if (!match) {
    throw new InvalidAsOfError(
      `"${text}" is not an ISO-8601 date or date-time with a zone (e.g. 2026-01-31T12:00:00Z)`,
    );
  }
  const [year, month, day, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => (part === undefined ? undefined : Number(part)));
  const time = new Date(match[4] === undefined ? `${normalized}T00:00:00Z` : normalized);
  // Date() rolls 2026-02-30 over to March; reject out-of-range fields instead of guessing.
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  const fieldsValid =
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  if (!fieldsValid || Number.isNaN(time.getTime())) {
    throw new InvalidAsOfError(`"${text}" is not a valid time`);
  }
  return time;
}

function parseOffsetVector(text: string): OffsetPosition[] {
  const entries = text.split(',');
  if (entries.length > maxPositions) {
    throw new InvalidAsOfError(`an offset vector may name at most ${maxPositions} partitions`);
  }
  const seen = new Set<string>();
  return entries.map((entry) => {
    const match = /^([^:=\s]+):(\d{1,6})=(\d{1,16})$/.exec(entry.trim());
    if (!match || !topicPattern.test(match[1])) {
      throw new InvalidAsOfError(
        `"${entry}" is not topic:partition=offset (expected an ISO time, an offset vector such as ` +
          'strata.items:0=120,strata.items:1=98, snapshot:<id> or latest)',
      );
    }
    const [, topic, partition, offset] = match;
    const key = `${topic}:${Number(partition)}`;
    if (seen.has(key)) throw new InvalidAsOfError(`partition ${key} is named twice`);
    seen.add(key);
    const value = Number(offset);
    if (!Number.isSafeInteger(value)) throw new InvalidAsOfError(`offset ${offset} is too large`);
    return { topic, partition: Number(partition), offset: value };
  });
}

/** The canonical text of an offset vector (sorted), as printed and as accepted by `parseAsOf`. */
export function formatOffsetVector(offsets: readonly OffsetPosition[]): string {
  return sortOffsets(offsets)
    .map(({ topic, partition, offset }) => `${topic}:${partition}=${offset}`)
    .join(',');
}

export function sortOffsets(offsets: readonly OffsetPosition[]): OffsetPosition[] {
  return [...offsets].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}
