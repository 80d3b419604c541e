import type { Reader, Writer } from './primitives';

/**
 * One Kafka API: the versions advertised in ApiVersions and the codec for exactly those versions.
 * Every advertised version decodes, so a client never gets a version it cannot use.
 */
export interface ApiCodec<Request, Response> {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First version whose request and response use the flexible (tagged, compact) encoding. */
  readonly firstFlexibleVersion?: number;
  decodeRequest(reader: Reader, version: number): Request;
  encodeResponse(writer: Writer, version: number, response: Response): void;
}

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export function decodeRequestHeader(reader: Reader): RequestHeader {
  return {
    apiKey: reader.int16(),
    apiVersion: reader.int16(),
    correlationId: reader.int32(),
    clientId: reader.nullableString(),
  };
}

export const isFlexible = (codec: ApiCodec<unknown, unknown>, version: number): boolean =>
  codec.firstFlexibleVersion !== undefined && version >= codec.firstFlexibleVersion;

/** Throttle time leads most responses from the version given; Strata never throttles. */
export function throttleFrom(writer: Writer, version: number, firstVersion: number): void {
  if (version >= firstVersion) writer.int32(0);
}
