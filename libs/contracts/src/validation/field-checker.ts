/** One problem with one field, e.g. `{ field: 'parents[0]', message: 'must be a UUID' }`. */
export interface ValidationIssue {
  field: string;
  message: string;
}

export interface ValidationOptions {
  /** Largest JSON text (payload, parameters) in UTF-8 bytes. Default 64 KiB. */
  maxJsonBytes?: number;
  /** "Now" in epoch milliseconds, for the future-time check. Default Date.now(). */
  now?: number;
}

export const defaultMaxJsonBytes = 64 * 1024;
/** Earliest plausible event time: anything before is a unit mix-up (seconds for milliseconds). */
export const earliestEventTime = Date.UTC(2000, 0, 1);
/** How far ahead of "now" an event time may be, to allow for clock skew between producers. */
export const maxClockSkewMs = 24 * 60 * 60 * 1000;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Collects issues for one event; each check names the field it looked at. */
export class FieldChecker {
  readonly issues: ValidationIssue[] = [];
  private readonly maxJsonBytes: number;
  private readonly now: number;

  constructor(options: ValidationOptions = {}) {
    this.maxJsonBytes = options.maxJsonBytes ?? defaultMaxJsonBytes;
    this.now = options.now ?? Date.now();
  }

  report(field: string, message: string): void {
    this.issues.push({ field, message });
  }

  nonEmpty(field: string, value: string): void {
    if (value.trim() === '') this.report(field, 'must not be empty');
  }

  uuid(field: string, value: string): void {
    if (!uuidPattern.test(value)) this.report(field, `must be a UUID, got "${value}"`);
  }

  /** Event and step times: whole milliseconds, not before 2000, at most a day ahead of now. */
  time(field: string, value: number): void {
    if (!Number.isSafeInteger(value)) {
      this.report(field, 'must be a whole number of epoch milliseconds');
    } else if (value < earliestEventTime) {
      this.report(field, `must not be before 2000-01-01 (got ${value}; seconds instead of milliseconds?)`);
    } else if (value > this.now + maxClockSkewMs) {
      this.report(field, `must not be more than a day in the future (got ${new Date(value).toISOString()})`);
    }
  }

  count(field: string, value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) this.report(field, 'must be a whole number ≥ 0');
  }

  finite(field: string, value: number): void {
    if (!Number.isFinite(value)) this.report(field, 'must be a finite number');
  }

  /** JSON text fields: within the size limit and parseable, so readers in any language can use them. */
  json(field: string, text: string): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.maxJsonBytes) {
      this.report(field, `is ${bytes} bytes, more than the limit of ${this.maxJsonBytes}`);
      return;
    }
    try {
      JSON.parse(text);
    } catch (error) {
      this.report(field, `must be valid JSON text: ${(error as Error).message}`);
    }
  }

  /** Reports every entry equal to an earlier one, naming the later index. */
  unique<T>(field: string, values: readonly T[], identity: (value: T) => string = String): void {
    const seen = new Set<string>();
    values.forEach((value, index) => {
      const key = identity(value);
      if (seen.has(key)) this.report(`${field}[${index}]`, `duplicates an earlier entry ("${key}")`);
      seen.add(key);
    });
  }
}
