export * from './generated/events';
export * from './events';
export {
  packItemIds,
  packItemRefs,
  packedIdsProblem,
  packedItemRefsProblems,
  PackedItemRefsError,
  sampleGroupsOf,
  stepArtifacts,
  type StepArtifacts,
  unpackItemIds,
  unpackItemRefs,
} from './item-refs';
export { validateEvent } from './validation/validate-event';
export {
  defaultMaxJsonBytes,
  earliestEventTime,
  maxClockSkewMs,
  type ValidationIssue,
  type ValidationOptions,
} from './validation/field-checker';
export type { AvroSchema, AvroRecordSchema, AvroField } from './schemas/avro-schema';
export { SchemaDefinitionError } from './schemas/inline-named-types';
export { buildEventSchemas, type EventSchema, type SchemaDocument } from './schemas/event-schemas';
export { defaultSchemaDirectory, loadEventSchemas } from './schemas/schema-directory';
export {
  EventSerde,
  strataCompatibility,
  type EncodedEvent,
  type EventSerdeOptions,
} from './serde/event-serde';
export { DecodeError, EncodeError, type DecodeFailure } from './serde/decode-error';
export { parseWireFormat, magicByte, type WireMessage } from './serde/wire-format';
export {
  checkSchemas,
  registerSchemas,
  type SchemaCheck,
  type SchemaCheckStatus,
  type SchemaRegistration,
} from './registry/schema-sync';
