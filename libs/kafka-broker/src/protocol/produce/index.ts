import type { ApiCodec } from '../api';

export interface ProducePartitionData {
  partitionIndex: number;
  records: Buffer | null;
}

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topics: { name: string; partitions: ProducePartitionData[] }[];
}

export interface ProducePartitionResponse {
  partitionIndex: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
}

export interface ProduceResponse {
  topics: { name: string; partitions: ProducePartitionResponse[] }[];
}

/** Produce (0) v0–7. Record sets stay views into the request frame; they are stored as they came. */
export const produce: ApiCodec<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 7,
  decodeRequest(reader, version) {
    return {
      transactionalId: version >= 3 ? reader.nullableString() : null,
      acks: reader.int16(),
      timeoutMs: reader.int32(),
      topics: reader.array((r) => ({
        name: r.string(),
        partitions: r.array((p) => ({ partitionIndex: p.int32(), records: p.nullableBytes() })),
      })),
    };
  },
  encodeResponse(writer, version, response) {
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) => {
        pw.int32(partition.partitionIndex).int16(partition.errorCode).int64(partition.baseOffset);
        if (version >= 2) pw.int64(-1); // log_append_time: -1 because topics use CreateTime
        if (version >= 5) pw.int64(partition.logStartOffset);
      });
    });
    // Unlike most responses, Produce puts throttle_time last.
    if (version >= 1) writer.int32(0);
  },
};
