import { throttleFrom, type ApiCodec } from '../api';

export interface OffsetCommitPartition {
  partitionIndex: number;
  committedOffset: number;
  metadata: string;
}

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  topics: { name: string; partitions: OffsetCommitPartition[] }[];
}

export interface OffsetCommitResponse {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

/** OffsetCommit (8) v0–5. Offsets are taken verbatim, −1/−2 included (kafkajs seek commits those). */
export const offsetCommit: ApiCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest(reader, version) {
    const groupId = reader.string();
    const generationId = version >= 1 ? reader.int32() : -1;
    const memberId = version >= 1 ? reader.string() : '';
    if (version >= 2 && version <= 4) reader.int64(); // retention_time
    const topics = reader.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => {
        const partitionIndex = p.int32();
        const committedOffset = p.int64();
        if (version === 1) p.int64(); // commit_timestamp
        return { partitionIndex, committedOffset, metadata: p.nullableString() ?? '' };
      }),
    }));
    return { groupId, generationId, memberId, topics };
  },
  encodeResponse(writer, version, response) {
    throttleFrom(writer, version, 3);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) =>
        pw.int32(partition.partitionIndex).int16(partition.errorCode),
      );
    });
  },
};
