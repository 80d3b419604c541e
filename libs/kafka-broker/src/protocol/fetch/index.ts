import { throttleFrom, type ApiCodec } from '../api';

export interface FetchPartitionRequest {
  partitionIndex: number;
  fetchOffset: number;
  partitionMaxBytes: number;
}

export interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: { name: string; partitions: FetchPartitionRequest[] }[];
}

export interface FetchPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  /** Whole stored batches, possibly several chunks read from one segment. */
  records: Buffer[];
}

export interface FetchResponse {
  topics: { name: string; partitions: FetchPartitionResponse[] }[];
}

const sizeOf = (chunks: Buffer[]) => chunks.reduce((total, chunk) => total + chunk.length, 0);

/** Fetch (1) v0–11, without fetch sessions (session id 0 = a full fetch every time). */
export const fetch: ApiCodec<FetchRequest, FetchResponse> = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 0,
  maxVersion: 11,
  decodeRequest(reader, version) {
    reader.int32(); // replica_id
    const maxWaitMs = reader.int32();
    const minBytes = reader.int32();
    const maxBytes = version >= 3 ? reader.int32() : 0x7fffffff;
    if (version >= 4) reader.int8(); // isolation_level: no transactions, so LSO = HW anyway
    if (version >= 7) reader.skip(8); // session_id, session_epoch
    const topics = reader.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => {
        const partitionIndex = p.int32();
        if (version >= 9) p.int32(); // current_leader_epoch
        const fetchOffset = p.int64();
        if (version >= 5) p.int64(); // log_start_offset (followers only)
        return { partitionIndex, fetchOffset, partitionMaxBytes: p.int32() };
      }),
    }));
    if (version >= 7) reader.array((r) => [r.string(), r.array((p) => p.int32())]); // forgotten_topics_data
    if (version >= 11) reader.string(); // rack_id
    return { maxWaitMs, minBytes, maxBytes, topics };
  },
  encodeResponse(writer, version, response) {
    throttleFrom(writer, version, 1);
    if (version >= 7) writer.int16(0).int32(0); // error_code, session_id
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) => {
        pw.int32(partition.partitionIndex).int16(partition.errorCode).int64(partition.highWatermark);
        if (version >= 4) pw.int64(partition.highWatermark); // last_stable_offset = HW: no transactions
        if (version >= 5) pw.int64(partition.logStartOffset);
        if (version >= 4) pw.array([], () => undefined); // aborted_transactions: [] (null breaks clients)
        if (version >= 11) pw.int32(-1); // preferred_read_replica: anything else makes librdkafka skip data
        // Empty records must be length 0, never null: librdkafka never reaches EOF otherwise.
        pw.int32(sizeOf(partition.records));
        for (const chunk of partition.records) pw.raw(chunk);
      });
    });
  },
};
