import { Topics, type TopicName } from '@strata/kafka';
import type { EventType, StrataEvent } from './generated/events';

/** The tagged event of one type, e.g. `TaggedEvent<'LabelCreated'>`. */
export type TaggedEvent<T extends EventType> = Extract<StrataEvent, { type: T }>;

/** The event of one type, e.g. `EventOfType<'LabelCreated'>` is `LabelCreated`. */
export type EventOfType<T extends EventType> = TaggedEvent<T>['event'];

/** Avro namespace of every Strata schema. */
export const strataNamespace = 'strata.v1';

type StringFieldOf<E> = { [K in keyof E]: E[K] extends string ? K : never }[keyof E] & string;

export interface EventRoute<T extends EventType> {
  topic: TopicName;
  /** The field whose value is the Kafka message key, so all events of one entity share a partition. */
  keyField: StringFieldOf<EventOfType<T>>;
}

/** Where each event type is published and what it is keyed by (docs/event-model.md). */
export const eventRoutes: { readonly [T in EventType]: EventRoute<T> } = {
  ItemRegistered: { topic: Topics.items, keyField: 'itemId' },
  LabelCreated: { topic: Topics.items, keyField: 'itemId' },
  LabelCorrected: { topic: Topics.items, keyField: 'itemId' },
  LabelReviewed: { topic: Topics.items, keyField: 'itemId' },
  LabelRetracted: { topic: Topics.items, keyField: 'itemId' },
  RunStarted: { topic: Topics.runs, keyField: 'runId' },
  TransformationApplied: { topic: Topics.runs, keyField: 'runId' },
  RunCompleted: { topic: Topics.runs, keyField: 'runId' },
  SnapshotFrozen: { topic: Topics.snapshots, keyField: 'snapshotId' },
};

/** Full Avro record name of an event type, e.g. `strata.v1.LabelCreated`. */
export function recordNameOf(type: EventType): string {
  return `${strataNamespace}.${type}`;
}

/** The registry subject of an event type under TopicRecordNameStrategy: `<topic>-strata.v1.<Name>`. */
export function subjectOf(type: EventType): string {
  return `${eventRoutes[type].topic}-${recordNameOf(type)}`;
}

/** The Kafka topic and message key of an event. */
export function routeOf(event: StrataEvent): { topic: TopicName; key: string } {
  const { topic, keyField } = eventRoutes[event.type];
  return { topic, key: (event.event as unknown as Record<string, string>)[keyField] };
}
