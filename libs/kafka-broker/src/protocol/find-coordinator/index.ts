import { throttleFrom, type ApiCodec } from '../api';

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

export interface FindCoordinatorResponse {
  errorCode: number;
  nodeId: number;
  host: string;
  port: number;
}

/** FindCoordinator (10) v0–2. librdkafka only looks up coordinators when v0 is advertised. */
export const findCoordinator: ApiCodec<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader, version) {
    return { key: reader.string(), keyType: version >= 1 ? reader.int8() : 0 };
  },
  encodeResponse(writer, version, response) {
    throttleFrom(writer, version, 1);
    writer.int16(response.errorCode);
    if (version >= 1) writer.nullableString(null);
    writer.int32(response.nodeId).string(response.host).int32(response.port);
  },
};
