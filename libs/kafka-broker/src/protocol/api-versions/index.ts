import type { ApiCodec } from '../api';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
}

/**
 * ApiVersions (18). v3 is the only flexible version Strata speaks, and even then the response header
 * carries no tagged fields (KIP-511), so the connection writes the ApiVersions header itself.
 */
export const apiVersions: ApiCodec<void, ApiVersionsResponse> = {
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: 3,
  decodeRequest(reader, version) {
    if (version >= 3) {
      reader.compactNullableString(); // client_software_name
      reader.compactNullableString(); // client_software_version
      reader.taggedFields();
    }
  },
  encodeResponse(writer, version, response) {
    writer.int16(response.errorCode);
    if (version >= 3) {
      writer.compactArray(response.apiKeys, (w, range) =>
        w.int16(range.apiKey).int16(range.minVersion).int16(range.maxVersion).emptyTaggedFields(),
      );
      writer.int32(0).emptyTaggedFields();
      return;
    }
    writer.array(response.apiKeys, (w, range) =>
      w.int16(range.apiKey).int16(range.minVersion).int16(range.maxVersion),
    );
    if (version >= 1) writer.int32(0);
  },
};
