import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import { parseAsOf } from '../domain/as-of';
import type { ReadScope, Visibility } from '../domain/read-scope';
import { SnapshotsRepository } from '../repositories/snapshots.repository';

/**
 * Turns the `asOf` parameter and the reader's visibility into a read scope; a release stands for its
 * offsets, and only a release the reader may see can be named.
 */
@Injectable()
export class AsOfResolver {
  constructor(private readonly snapshots: SnapshotsRepository) {}

  async resolve(raw: string | undefined, visibility: Visibility): Promise<ReadScope> {
    const request = parseAsOf(raw);
    // The views answer "before T"; as of T includes what happened at T, as releases cut at T do.
    if (request.kind === 'time')
      return { asOf: { kind: 'time', time: new Date(request.time.getTime() + 1) }, visibility };
    if (request.kind !== 'snapshot') return { asOf: request, visibility };
    const release = await this.snapshots.find(request.snapshotId, visibility);
    if (!release) throw new NotFoundError('snapshot', request.snapshotId);
    return { asOf: { kind: 'offsets', offsets: release.offsets }, visibility };
  }
}
