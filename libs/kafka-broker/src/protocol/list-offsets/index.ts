import { throttleFrom, type ApiCodec } from '../api';

/** Special timestamps of a ListOffsets query. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

export interface ListOffsetsRequest {
  topics: { name: string; partitions: { partitionIndex: number; timestamp: number }[] }[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  timestamp: number;
  offset: number;
}

export interface ListOffsetsResponse {
  topics: { name: string; partitions: ListOffsetsPartitionResponse[] }[];
}

/** ListOffsets (2) v0–3; v0 answers with a one-element offset list. */
export const listOffsets: ApiCodec<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 3,
  decodeRequest(reader, version) {
    reader.int32(); // replica_id
    if (version >= 2) reader.int8(); // isolation_level
    return {
      topics: reader.array((r) => ({
        name: r.string(),
        partitions: r.array((p) => {
          const partition = { partitionIndex: p.int32(), timestamp: p.int64() };
          if (version === 0) p.int32(); // max_num_offsets
          return partition;
        }),
      })),
    };
  },
  encodeResponse(writer, version, response) {
    throttleFrom(writer, version, 2);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) => {
        pw.int32(partition.partitionIndex).int16(partition.errorCode);
        if (version === 0) {
          pw.array(partition.offset < 0 ? [] : [partition.offset], (ow, offset) => ow.int64(offset));
        } else {
          pw.int64(partition.timestamp).int64(partition.offset);
        }
      });
    });
  },
};
