import net from 'node:net';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, waitFor, type TestBroker } from './support/broker-fixture';

const MAX_FRAME_BYTES = 64 * 1024;

/** Connects, writes `bytes`, and resolves with whatever came back once the broker closes the socket. */
function sendRaw(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received)));
    setTimeout(() => reject(new Error('broker left a bad connection open')), 10_000).unref();
  });
}

/**
 * Garbage that is the same on every run. Random bytes would now and then start with a plausible
 * frame size (two zero bytes, about once in 65 536 runs) and the broker would rightly wait for the
 * rest of that frame instead of closing: a test failing by chance.
 */
function garbage(length: number): Buffer {
  const bytes = createHash('sha512').update('strata broker garbage').digest();
  const repeated = Buffer.alloc(length);
  for (let at = 0; at < length; at += bytes.length) bytes.copy(repeated, at);
  return repeated;
}

/** A frame of exactly the size it announces, holding nothing but garbage. */
function framedGarbage(length: number): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(length, 0);
  return Buffer.concat([size, garbage(length)]);
}

/** A request frame: size, api key, version, correlation id, client id, body. */
function frame(apiKey: number, apiVersion: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(12);
  header.writeInt16BE(apiKey, 4);
  header.writeInt16BE(apiVersion, 6);
  header.writeInt32BE(42, 8);
  const clientId = Buffer.from([0, 3, 0x62, 0x61, 0x64]); // "bad"
  const size = header.length - 4 + clientId.length + body.length;
  header.writeInt32BE(size, 0);
  return Buffer.concat([header, clientId, body]);
}

describe('embedded broker facing bad clients', () => {
  let fixture: TestBroker;

  beforeAll(async () => {
    fixture = await startTestBroker({ maxFrameBytes: MAX_FRAME_BYTES });
  });

  afterAll(() => fixture.cleanup());

  it('closes garbage, oversize and undecodable connections without disturbing a producer and consumer', async () => {
    const topic = 'bad.neighbours';
    const producer = fixture.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = fixture.kafka.consumer({ groupId: 'neighbours', maxWaitTimeInMs: 100 });
    await Promise.all([producer.connect(), consumer.connect()]);
    const received: string[] = [];
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });

    let sent = 0;
    const producing = (async () => {
      while (sent < 200) {
        await producer.send({ topic, acks: -1, messages: [{ value: `ok-${sent}`, partition: 0 }] });
        sent++;
      }
    })();

    const port = fixture.broker.port;
    const oversize = Buffer.alloc(8);
    oversize.writeInt32BE(MAX_FRAME_BYTES + 1, 0);
    const truncatedMetadata = frame(3, 4, Buffer.from([0, 0, 0, 5, 0, 9])); // 5 topics promised, none sent
    const closedAnswers = await Promise.all([
      sendRaw(port, framedGarbage(4092)),
      sendRaw(port, Buffer.from('GET / HTTP/1.1\r\nHost: broker\r\n\r\n')),
      sendRaw(port, Buffer.concat([oversize, garbage(1024)])),
      sendRaw(port, Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3])), // negative size
      sendRaw(port, truncatedMetadata),
      sendRaw(port, frame(99, 0)), // unknown api
      sendRaw(port, frame(0, 42)), // Produce version nobody speaks
    ]);
    expect(closedAnswers.every((answer) => answer.length === 0)).toBe(true);

    await producing;
    await waitFor(() => received.length >= 200, 'all 200 messages despite the bad clients');
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
    expect(received).toEqual(Array.from({ length: 200 }, (_, i) => `ok-${i}`));
  });

  it('answers an ApiVersions version it does not know with UNSUPPORTED_VERSION and its ranges', async () => {
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect(fixture.broker.port, '127.0.0.1', () => socket.write(frame(18, 9)));
      socket.once('data', (chunk) => {
        socket.destroy();
        resolve(chunk);
      });
      socket.on('error', reject);
    });
    expect(answer.readInt32BE(4)).toBe(42); // correlation id
    expect(answer.readInt16BE(8)).toBe(35); // UNSUPPORTED_VERSION
    const ranges = answer.readInt32BE(10);
    const apiKeys = Array.from({ length: ranges }, (_, i) => answer.readInt16BE(14 + i * 6));
    expect(apiKeys).toEqual(expect.arrayContaining([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 18, 19, 22]));
  });
});
