import type { ApiCodec } from '../api';

export const ConfigResourceType = { TOPIC: 2, BROKER: 4 } as const;

export interface ConfigResource {
  resourceType: number;
  resourceName: string;
  /** null: every config. */
  configNames: string[] | null;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribedConfig[];
}

// Kafka's ConfigSource: TOPIC_CONFIG for explicitly set values, DEFAULT_CONFIG otherwise.
const TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;

/** DescribeConfigs (32) v0–2 (v1 and v2 share one wire format). */
export const describeConfigs: ApiCodec<ConfigResource[], DescribeConfigsResult[]> = {
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader, version) {
    const resources = reader.array((r) => ({
      resourceType: r.int8(),
      resourceName: r.string(),
      configNames: r.nullableArray((n) => n.string()),
    }));
    if (version >= 1) reader.boolean(); // include_synonyms
    return resources;
  },
  encodeResponse(writer, version, results) {
    writer.int32(0);
    writer.array(results, (w, result) => {
      w.int16(result.errorCode)
        .nullableString(result.errorMessage)
        .int8(result.resourceType)
        .string(result.resourceName);
      w.array(result.configs, (cw, config) => {
        cw.string(config.name).nullableString(config.value).boolean(config.readOnly);
        if (version === 0) cw.boolean(config.isDefault);
        else cw.int8(config.isDefault ? DEFAULT_CONFIG : TOPIC_CONFIG);
        cw.boolean(false); // is_sensitive
        if (version >= 1) cw.array([], () => undefined); // synonyms
      });
    });
  },
};
