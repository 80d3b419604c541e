import { throttleFrom, type ApiCodec } from '../api';

export interface DeleteTopicsResponse {
  topics: { name: string; errorCode: number }[];
}

/** DeleteTopics (20) v0–1; the request is the list of names (the timeout is moot on one node). */
export const deleteTopics: ApiCodec<string[], DeleteTopicsResponse> = {
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest(reader) {
    const names = reader.array((r) => r.string());
    reader.int32(); // timeout_ms
    return names;
  },
  encodeResponse(writer, version, response) {
    throttleFrom(writer, version, 1);
    writer.array(response.topics, (w, topic) => w.string(topic.name).int16(topic.errorCode));
  },
};
