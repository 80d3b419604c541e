import type { ApiCodec } from '../api';

export interface AlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: { name: string; value: string | null }[];
}

export interface AlterConfigsRequest {
  resources: AlterConfigsResource[];
  validateOnly: boolean;
}

export interface AlterConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** AlterConfigs (33) v0–1: replaces a resource's whole set of explicit configs. */
export const alterConfigs: ApiCodec<AlterConfigsRequest, AlterConfigsResult[]> = {
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest(reader) {
    const resources = reader.array((r) => ({
      resourceType: r.int8(),
      resourceName: r.string(),
      configs: r.array((c) => ({ name: c.string(), value: c.nullableString() })),
    }));
    return { resources, validateOnly: reader.boolean() };
  },
  encodeResponse(writer, _version, results) {
    writer.int32(0);
    writer.array(results, (w, result) =>
      w
        .int16(result.errorCode)
        .nullableString(result.errorMessage)
        .int8(result.resourceType)
        .string(result.resourceName),
    );
  },
};
