/** One problem with one field of an event, e.g. `{ field: 'parents', message: 'must not be empty' }`. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** An event was refused before anything was sent; `issues` names every offending field. */
export class ValidationError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: FieldIssue[],
  ) {
    super(`invalid ${eventType}: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`);
    this.name = 'ValidationError';
  }

  /** The first offending field, for callers that report one. */
  get field(): string {
    return this.issues[0]?.field ?? '';
  }
}

/** The broker did not acknowledge a batch after all retries; none of its events may be assumed written. */
export class ProduceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProduceError';
  }
}

export class ProducerClosedError extends Error {
  constructor() {
    super('the producer is closed');
    this.name = 'ProducerClosedError';
  }
}
