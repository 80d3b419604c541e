import { throttleFrom, type ApiCodec } from '../api';

export interface CreatableTopic {
  name: string;
  /** −1: the broker default. */
  numPartitions: number;
  replicationFactor: number;
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreateTopicsResponse {
  topics: { name: string; errorCode: number; errorMessage: string | null }[];
}

/** CreateTopics (19) v0–4 (v2–4 share one wire format). */
export const createTopics: ApiCodec<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest(reader, version) {
    const topics = reader.array((r) => ({
      name: r.string(),
      numPartitions: r.int32(),
      replicationFactor: r.int16(),
      assignments: r.array((a) => ({ partitionIndex: a.int32(), brokerIds: a.array((b) => b.int32()) })),
      configs: r.array((c) => ({ name: c.string(), value: c.nullableString() })),
    }));
    const timeoutMs = reader.int32();
    const validateOnly = version >= 1 ? reader.boolean() : false;
    return { topics, timeoutMs, validateOnly };
  },
  encodeResponse(writer, version, response) {
    throttleFrom(writer, version, 2);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name).int16(topic.errorCode);
      if (version >= 1) w.nullableString(topic.errorMessage);
    });
  },
};
