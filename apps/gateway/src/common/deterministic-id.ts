import { createHash } from 'node:crypto';

/**
 * A name-based (version 5 style, SHA-1) UUID: the same parts always give the same id. Mappings of
 * external payloads use it for event and label ids, so a retried webhook re-sends identical events,
 * which the projector ignores as duplicates.
 */
export function deterministicUuid(...parts: (string | number)[]): string {
  const bytes = createHash('sha1').update(parts.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
