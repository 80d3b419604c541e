import { throttleFrom, type ApiCodec } from '../api';

export interface OffsetFetchRequest {
  groupId: string;
  /** null: every partition the group has committed. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
}

export interface OffsetFetchResponse {
  errorCode: number;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: number; metadata: string; errorCode: number }[];
  }[];
}

/** OffsetFetch (9) v0–4. */
export const offsetFetch: ApiCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest(reader) {
    return {
      groupId: reader.string(),
      topics: reader.nullableArray((r) => ({
        name: r.string(),
        partitionIndexes: r.array((p) => p.int32()),
      })),
    };
  },
  encodeResponse(writer, version, response) {
    throttleFrom(writer, version, 3);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) =>
        pw
          .int32(partition.partitionIndex)
          .int64(partition.committedOffset)
          .nullableString(partition.metadata)
          .int16(partition.errorCode),
      );
    });
    // The top-level error code comes last.
    if (version >= 2) writer.int16(response.errorCode);
  },
};
