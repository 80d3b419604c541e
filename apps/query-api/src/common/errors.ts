/**
 * Errors the query layer raises on purpose. They are plain classes (not Nest exceptions) so the pure
 * domain functions can throw them without depending on the HTTP framework; the problem filter maps
 * them to RFC 9457 problem bodies.
 */

/** A request parameter that cannot be used; `parameter` is its public name (e.g. `asOf`, `depth`). */
export class BadParameterError extends Error {
  constructor(
    readonly parameter: string,
    detail: string,
  ) {
    super(`${parameter}: ${detail}`);
    this.name = 'BadParameterError';
  }
}

/** A named thing (item, label, snapshot, node) that does not exist, or did not exist at the asked time. */
export class NotFoundError extends Error {
  constructor(
    readonly resource: string,
    readonly id: string,
    detail?: string,
  ) {
    super(detail ?? `${resource} ${JSON.stringify(id)} not found`);
    this.name = 'NotFoundError';
  }
}

/** A dependency the request needs (Kafka, the projector's views) is not there yet. */
export class UnavailableError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'UnavailableError';
  }
}
