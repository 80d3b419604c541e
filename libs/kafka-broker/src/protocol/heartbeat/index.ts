import { throttleFrom, type ApiCodec } from '../api';

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
}

/** Heartbeat (12) v0–3; the response is just an error code. */
export const heartbeat: ApiCodec<HeartbeatRequest, number> = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  decodeRequest(reader, version) {
    const request = { groupId: reader.string(), generationId: reader.int32(), memberId: reader.string() };
    if (version >= 3) reader.nullableString(); // group_instance_id
    return request;
  },
  encodeResponse(writer, version, errorCode) {
    throttleFrom(writer, version, 1);
    writer.int16(errorCode);
  },
};
