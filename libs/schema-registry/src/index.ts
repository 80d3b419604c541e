export { EmbeddedRegistry, type EmbeddedRegistryOptions } from './embedded-registry';
export { buildRegistryApp, registryContentType } from './http/registry-app';
export { RegistryService, parseVersion, type SchemaRequest, type VersionSelector } from './registry-service';
export { InMemorySchemaLog, type SchemaLog } from './schema-log';
export { KafkaSchemaLog, defaultSchemasTopic, type KafkaSchemaLogOptions } from './kafka-schema-log';
export { RegistryError, registryErrors } from './registry-error';
export {
  compatibilityLevels,
  compatibilityProblems,
  defaultCompatibilityLevel,
  parseCompatibilityLevel,
  readProblem,
  type CompatibilityLevel,
} from './compatibility';
export type { LogRecord } from './log-records';
