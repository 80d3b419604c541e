import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * kafkajs's own RecordBatch encoder, used by specs as an independent oracle for the wire format
 * (it has no typings, hence the narrow signatures here).
 */
const requireFromRoot = createRequire(path.join(process.cwd(), 'package.json'));
const { RecordBatch } = requireFromRoot('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: object) => Promise<{ buffer: Buffer }>;
};
const Record = requireFromRoot('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
const { Types: CompressionTypes } = requireFromRoot('kafkajs/src/protocol/message/compression') as {
  Types: { None: number; GZIP: number };
};

export interface OracleMessage {
  key?: string;
  value: string;
  timestamp: number;
}

export interface OracleBatchOptions {
  gzip?: boolean;
  producerId?: number;
  baseSequence?: number;
}

/** A RecordBatch v2 exactly as kafkajs puts it on the wire (base offset 0). */
export async function encodeWithKafkajs(
  messages: OracleMessage[],
  options: OracleBatchOptions = {},
): Promise<Buffer> {
  const firstTimestamp = Math.min(...messages.map((message) => message.timestamp));
  const records = messages.map((message, offsetDelta) =>
    Record({
      offsetDelta,
      timestampDelta: message.timestamp - firstTimestamp,
      key: message.key === undefined ? null : Buffer.from(message.key),
      value: Buffer.from(message.value),
    }),
  );
  const { buffer } = await RecordBatch({
    compression: options.gzip ? CompressionTypes.GZIP : CompressionTypes.None,
    firstTimestamp,
    maxTimestamp: Math.max(...messages.map((message) => message.timestamp)),
    lastOffsetDelta: messages.length - 1,
    producerId: options.producerId ?? -1,
    firstSequence: options.baseSequence ?? 0,
    records,
  });
  return buffer;
}
