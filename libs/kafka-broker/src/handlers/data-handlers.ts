import { ErrorCode } from '../protocol/error-codes';
import { fetch, type FetchPartitionResponse, type FetchRequest, type FetchResponse } from '../protocol/fetch';
import { initProducerId } from '../protocol/init-producer-id';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsets,
  type ListOffsetsPartitionResponse,
} from '../protocol/list-offsets';
import { produce, type ProducePartitionData, type ProducePartitionResponse } from '../protocol/produce';
import { InvalidBatchError, splitBatches } from '../protocol/record-batch';
import type { PartitionLog } from '../storage/partition-log';
import { NO_RESPONSE, route, type BrokerContext } from './context';

function appendToPartition(
  context: BrokerContext,
  topic: string,
  data: ProducePartitionData,
  written: Set<PartitionLog>,
): ProducePartitionResponse {
  const log = context.topics.partition(topic, data.partitionIndex);
  const response = (errorCode: number, baseOffset = -1) => ({
    partitionIndex: data.partitionIndex,
    errorCode,
    baseOffset,
    logStartOffset: log?.logStartOffset ?? -1,
  });
  if (!log) return response(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!data.records || data.records.length === 0) return response(ErrorCode.CORRUPT_MESSAGE);
  let batches;
  try {
    batches = splitBatches(data.records);
  } catch (error) {
    if (!(error instanceof InvalidBatchError)) throw error;
    context.logger.warn({ topic, partition: data.partitionIndex, reason: error.message }, 'produce refused');
    return response(ErrorCode.CORRUPT_MESSAGE);
  }
  let baseOffset = -1;
  for (const batch of batches) {
    const check = log.producers.check(batch.header);
    if (check.outcome === 'reject') return response(check.errorCode, baseOffset);
    // A retried batch is acknowledged with the offset it got the first time, and not stored again.
    const offset = check.outcome === 'duplicate' ? check.baseOffset : log.append(batch.bytes, [batch.header]);
    if (baseOffset < 0) baseOffset = offset;
    if (check.outcome === 'append') written.add(log);
  }
  return response(ErrorCode.NONE, baseOffset);
}

export const produceRoute = route(produce, async (context, request) => {
  if (request.acks !== 0 && request.acks !== 1 && request.acks !== -1) {
    return {
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((partition) => ({
          partitionIndex: partition.partitionIndex,
          errorCode: ErrorCode.INVALID_REQUIRED_ACKS,
          baseOffset: -1,
          logStartOffset: -1,
        })),
      })),
    };
  }
  const written = new Set<PartitionLog>();
  const topics = request.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((partition) =>
      appendToPartition(context, topic.name, partition, written),
    ),
  }));
  if (request.acks === -1) {
    // acks=all: nothing is acknowledged before it is on disk (fsyncs are group-committed).
    await Promise.all([...written].map((log) => log.flush()));
  } else {
    for (const log of written) log.flushLater();
  }
  return request.acks === 0 ? NO_RESPONSE : { topics };
});

function readPartitions(
  context: BrokerContext,
  request: FetchRequest,
): { response: FetchResponse; size: number } {
  let size = 0;
  const topics = request.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((partition): FetchPartitionResponse => {
      const log = context.topics.partition(topic.name, partition.partitionIndex);
      const result = { partitionIndex: partition.partitionIndex, records: [] as Buffer[] };
      if (!log) {
        return {
          ...result,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          logStartOffset: -1,
        };
      }
      const positions = { highWatermark: log.logEndOffset, logStartOffset: log.logStartOffset };
      if (partition.fetchOffset < log.logStartOffset || partition.fetchOffset > log.logEndOffset) {
        return { ...result, ...positions, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
      }
      // As in Kafka (KIP-74), only the first batch of the first non-empty partition may exceed the
      // limits, so a client never gets stuck on a big batch; every other batch must fit both of them.
      const budget = Math.min(partition.partitionMaxBytes, request.maxBytes - size);
      const read = log.read(partition.fetchOffset, budget, size === 0);
      size += read.size;
      return { ...result, ...positions, errorCode: ErrorCode.NONE, records: read.chunks };
    }),
  }));
  return { response: { topics }, size };
}

/** Resolves on the next append to any of the fetched partitions, after `timeoutMs`, or on stop. */
function nextAppend(context: BrokerContext, request: FetchRequest, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribers: (() => void)[] = [];
    const done = () => {
      clearTimeout(timer);
      context.stopping.removeEventListener('abort', done);
      for (const unsubscribe of unsubscribers) unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    context.stopping.addEventListener('abort', done);
    for (const topic of request.topics) {
      for (const partition of topic.partitions) {
        const log = context.topics.partition(topic.name, partition.partitionIndex);
        if (log) unsubscribers.push(log.onAppend(done));
      }
    }
  });
}

export const fetchRoute = route(fetch, async (context, request) => {
  const deadline = Date.now() + request.maxWaitMs;
  let result = readPartitions(context, request);
  // Long poll: hold the response until min_bytes are there or max_wait_ms has passed.
  while (result.size < request.minBytes && !context.stopping.aborted && Date.now() < deadline) {
    await nextAppend(context, request, deadline - Date.now());
    result = readPartitions(context, request);
  }
  return result.response;
});

export const listOffsetsRoute = route(listOffsets, (context, request) => ({
  topics: request.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map(({ partitionIndex, timestamp }): ListOffsetsPartitionResponse => {
      const log = context.topics.partition(topic.name, partitionIndex);
      if (!log)
        return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1, offset: -1 };
      if (timestamp === LATEST_TIMESTAMP || timestamp === EARLIEST_TIMESTAMP) {
        const offset = timestamp === LATEST_TIMESTAMP ? log.logEndOffset : log.logStartOffset;
        return { partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1, offset };
      }
      // No record at or after the time: (−1, −1), which kafkajs turns into the high watermark.
      const found = log.offsetForTimestamp(timestamp) ?? { offset: -1, timestamp: -1 };
      return { partitionIndex, errorCode: ErrorCode.NONE, ...found };
    }),
  })),
}));

export const initProducerIdRoute = route(initProducerId, (context, request) => {
  if (request.transactionalId !== null) {
    // Transactions are out of scope for the embedded broker; idempotence is what Strata uses.
    return { errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 };
  }
  return { errorCode: ErrorCode.NONE, producerId: context.producerIds.allocate(), producerEpoch: 0 };
});
