import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { decodeRequestHeader, isFlexible, type RequestHeader } from './protocol/api';
import { apiVersions } from './protocol/api-versions';
import { ErrorCode } from './protocol/error-codes';
import { MalformedFrameError, Reader, Writer } from './protocol/primitives';
import { advertisedApiVersions, routes } from './handlers';
import { NO_RESPONSE, type BrokerContext, type Route } from './handlers/context';

const SIZE_PREFIX = 4;
/** api_key, api_version, correlation_id and a client_id length: anything shorter is not a request. */
const MIN_FRAME_SIZE = 10;

/**
 * One client connection. Requests are decoded and started as they arrive (so one producer's
 * pipelined acks=-1 requests share fsyncs), and responses are written strictly in request order.
 * Anything that does not decode closes this connection only.
 */
export class Connection {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private responses: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly logger: Logger;
  private readonly clientHost: string;

  constructor(
    private readonly socket: Socket,
    private readonly context: BrokerContext,
  ) {
    this.clientHost = socket.remoteAddress ?? '';
    this.logger = context.logger.child({ client: `${this.clientHost}:${socket.remotePort}` });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.logger.debug({ err: error }, 'client socket error'));
    socket.on('close', () => (this.closed = true));
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private reject(reason: string, details: object = {}): void {
    this.logger.warn({ ...details, reason }, 'closing connection: bad request');
    this.close();
  }

  private receive(chunk: Buffer): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    while (!this.closed && this.bufferedBytes >= SIZE_PREFIX) {
      if (this.buffered[0].length < SIZE_PREFIX) this.buffered = [Buffer.concat(this.buffered)];
      const size = this.buffered[0].readInt32BE(0);
      if (size < MIN_FRAME_SIZE || size > this.context.maxFrameBytes) {
        this.reject('frame size out of bounds', { size, maxFrameBytes: this.context.maxFrameBytes });
        return;
      }
      if (this.bufferedBytes < SIZE_PREFIX + size) return;
      const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
      const rest = all.subarray(SIZE_PREFIX + size);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.bufferedBytes = rest.length;
      this.dispatch(all.subarray(SIZE_PREFIX, SIZE_PREFIX + size));
    }
  }

  private dispatch(frame: Buffer): void {
    const reader = new Reader(frame);
    let header: RequestHeader | undefined;
    let served: Route | undefined;
    let pending: Promise<unknown>;
    try {
      header = decodeRequestHeader(reader);
      served = routes.get(header.apiKey);
      if (!served) return this.reject('unknown api key', { apiKey: header.apiKey });
      const { codec } = served;
      if (header.apiVersion < codec.minVersion || header.apiVersion > codec.maxVersion) {
        return this.refuseVersion(header.apiKey, header.apiVersion, header.correlationId);
      }
      if (isFlexible(codec, header.apiVersion)) reader.taggedFields();
      const request = codec.decodeRequest(reader, header.apiVersion);
      // Starting the handler now runs its synchronous part (e.g. appending) in arrival order.
      pending = Promise.resolve(
        served.handle(this.context, request, {
          clientId: header.clientId ?? '',
          clientHost: this.clientHost,
          apiVersion: header.apiVersion,
        }),
      );
      // Its failure is handled in turn below; until then it must not count as unhandled.
      pending.catch(() => undefined);
    } catch (error) {
      const request = { apiKey: header?.apiKey, apiVersion: header?.apiVersion };
      if (error instanceof MalformedFrameError || error instanceof RangeError) {
        return this.reject(error.message, request);
      }
      // A bug must cost this client its connection, never the broker its life.
      this.logger.error({ err: error, ...request }, 'request failed; closing connection');
      return this.close();
    }
    const { codec } = served;
    const { apiKey, apiVersion, correlationId } = header;
    this.responses = this.responses.then(async () => {
      try {
        const response = await pending;
        if (response === NO_RESPONSE || this.closed) return;
        // ApiVersions never has tagged fields in its response header, even at v3 (KIP-511).
        const taggedHeader = isFlexible(codec, apiVersion) && apiKey !== apiVersions.apiKey;
        this.send(correlationId, taggedHeader, (writer) =>
          codec.encodeResponse(writer, apiVersion, response),
        );
      } catch (error) {
        this.logger.error({ err: error, apiKey, apiVersion }, 'request failed; closing connection');
        this.close();
      }
    });
  }

  /**
   * ApiVersions answers an unknown version in its v0 layout with UNSUPPORTED_VERSION and the ranges,
   * so the client can retry with one it knows. Other APIs cannot be answered in a layout the broker
   * does not know, so, as Kafka does, the connection is closed.
   */
  private refuseVersion(apiKey: number, apiVersion: number, correlationId: number): void {
    if (apiKey !== apiVersions.apiKey) {
      this.reject('unsupported api version', { apiKey, apiVersion });
      return;
    }
    this.responses = this.responses.then(() =>
      this.send(correlationId, false, (writer) =>
        apiVersions.encodeResponse(writer, 0, {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiKeys: advertisedApiVersions,
        }),
      ),
    );
  }

  private send(correlationId: number, taggedHeader: boolean, writeBody: (writer: Writer) => void): void {
    if (this.closed) return;
    const writer = new Writer();
    writer.int32(0).int32(correlationId);
    if (taggedHeader) writer.emptyTaggedFields();
    writeBody(writer);
    const size = writer.length - SIZE_PREFIX;
    const chunks = writer.toChunks();
    chunks[0].writeInt32BE(size, 0);
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }
}
