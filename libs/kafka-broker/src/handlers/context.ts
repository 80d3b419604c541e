import type { Logger } from 'pino';
import type { GroupCoordinator } from '../group/group-coordinator';
import type { ApiCodec } from '../protocol/api';
import type { OffsetStore } from '../storage/offset-store';
import type { ProducerIdAllocator } from '../storage/producer-ids';
import type { TopicStore } from '../storage/topic-store';

/** The broker's parts and settings, as handlers see them. */
export interface BrokerContext {
  nodeId: number;
  advertisedHost: string;
  advertisedPort: number;
  defaultPartitions: number;
  autoCreateTopics: boolean;
  segmentBytes: number;
  maxFrameBytes: number;
  topics: TopicStore;
  offsets: OffsetStore;
  groups: GroupCoordinator;
  producerIds: ProducerIdAllocator;
  logger: Logger;
  /** Aborted when the broker stops, releasing held long polls. */
  stopping: AbortSignal;
}

/** Who sent a request. */
export interface RequestSource {
  clientId: string;
  clientHost: string;
  apiVersion: number;
}

/** Returned by a handler when the request gets no response at all (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

export interface Route<Request = unknown, Response = unknown> {
  codec: ApiCodec<Request, Response>;
  handle(
    context: BrokerContext,
    request: Request,
    source: RequestSource,
  ): Response | typeof NO_RESPONSE | Promise<Response | typeof NO_RESPONSE>;
}

/** Pairs a codec with its handler, checking that their request and response types agree. */
export const route = <Request, Response>(
  codec: ApiCodec<Request, Response>,
  handle: Route<Request, Response>['handle'],
): Route => ({ codec, handle }) as Route;
