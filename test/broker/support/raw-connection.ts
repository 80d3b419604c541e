import net from 'node:net';

const SIZE_PREFIX = 4;
const CORRELATION_ID = 4;

/**
 * One client connection speaking raw Kafka frames, for tests that check bytes on the wire. The broker
 * answers in request order, so responses are matched to requests by position.
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private readonly waiting: { resolve: (body: Buffer) => void; reject: (error: Error) => void }[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.failAll(new Error('broker closed the connection')));
    socket.on('error', (error) => this.failAll(error));
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends a whole request frame; resolves with the response after its size and correlation id. */
  request(frame: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(frame);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    while (this.received.length >= SIZE_PREFIX) {
      const end = SIZE_PREFIX + this.received.readInt32BE(0);
      if (this.received.length < end) return;
      const body = this.received.subarray(SIZE_PREFIX + CORRELATION_ID, end);
      this.received = this.received.subarray(end);
      this.waiting.shift()?.resolve(body);
    }
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}
