import { InvalidAsOfError, parseAsOf as parseAsOfSyntax, type AsOf, type AsOfRequest } from '@strata/views';
import { BadParameterError } from '../common/errors';

export type { OffsetPosition } from '@strata/contracts';
export { formatOffsetVector, sortOffsets, isUuid, type AsOfRequest } from '@strata/views';

/** The point in the log a read is answered at, as the views library understands it. */
export type ViewAsOf = AsOf;

/** The `asOf` query parameter (syntax in libs/views); a malformed one is a 400 naming `asOf`. */
export function parseAsOf(raw: string | undefined): AsOfRequest {
  try {
    return parseAsOfSyntax(raw);
  } catch (error) {
    if (error instanceof InvalidAsOfError) throw new BadParameterError('asOf', error.message);
    throw error;
  }
}
