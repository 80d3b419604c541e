/**
 * The path of the first string in a decoded event that holds NUL (\u0000), or undefined. PostgreSQL
 * text and jsonb cannot store NUL, so such an event can only be dead-lettered. Decoded Avro events are
 * shallow (their schemas bound the depth), so a plain recursive walk is safe.
 */
export function fieldWithNul(value: unknown, path = 'event'): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = fieldWithNul(value[index], `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, field] of Object.entries(value)) {
      const found = fieldWithNul(field, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
