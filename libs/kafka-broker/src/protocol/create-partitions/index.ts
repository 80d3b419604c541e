import type { ApiCodec } from '../api';

export interface CreatePartitionsRequest {
  topics: { name: string; count: number }[];
  validateOnly: boolean;
}

export interface CreatePartitionsResponse {
  results: { name: string; errorCode: number; errorMessage: string | null }[];
}

/** CreatePartitions (37) v0–1 (replica assignments are moot on one node and ignored). */
export const createPartitions: ApiCodec<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest(reader) {
    const topics = reader.array((r) => {
      const topic = { name: r.string(), count: r.int32() };
      r.nullableArray((a) => a.array((b) => b.int32())); // assignments
      return topic;
    });
    reader.int32(); // timeout_ms
    return { topics, validateOnly: reader.boolean() };
  },
  encodeResponse(writer, _version, response) {
    writer.int32(0);
    writer.array(response.results, (w, result) =>
      w.string(result.name).int16(result.errorCode).nullableString(result.errorMessage),
    );
  },
};
