import type { ApiCodec } from '../api';

export interface InitProducerIdRequest {
  transactionalId: string | null;
}

export interface InitProducerIdResponse {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

/** InitProducerId (22) v0–1 (idempotence only; transactions are not supported). */
export const initProducerId: ApiCodec<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest(reader) {
    const transactionalId = reader.nullableString();
    reader.int32(); // transaction_timeout_ms
    return { transactionalId };
  },
  encodeResponse(writer, _version, response) {
    writer.int32(0).int16(response.errorCode).int64(response.producerId).int16(response.producerEpoch);
  },
};
