import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import { parseAsOf, type ViewAsOf } from '../domain/as-of';
import { SnapshotsRepository } from '../repositories/snapshots.repository';

/** Turns the `asOf` parameter into a point the views can answer at; a release stands for its offsets. */
@Injectable()
export class AsOfResolver {
  constructor(private readonly snapshots: SnapshotsRepository) {}

  async resolve(raw: string | undefined): Promise<ViewAsOf> {
    const request = parseAsOf(raw);
    // The views answer "before T"; as of T includes what happened at T, as releases cut at T do.
    if (request.kind === 'time') return { kind: 'time', time: new Date(request.time.getTime() + 1) };
    if (request.kind !== 'snapshot') return request;
    const release = await this.snapshots.find(request.snapshotId);
    if (!release) throw new NotFoundError('snapshot', request.snapshotId);
    return { kind: 'offsets', offsets: release.offsets };
  }
}
