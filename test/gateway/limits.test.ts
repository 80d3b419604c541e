import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelCreated, startGatewayFixture, type GatewayFixture } from './support/gateway-fixture';

/** The gateway's per-key rate limit and request timeout, run into on purpose (body size: ingest.test.ts). */

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture('gateway_limits', {
    rateLimit: { ratePerSecond: 0.01, burst: 2 },
    requestTimeoutMs: 300,
    // Well above any pause between two requests here: a keep-alive socket the server closes for idleness
    // just as the next request is written fails that request ("other side closed").
    connectionTimeoutMs: 30_000,
  });
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
});

describe('gateway limits', () => {
  it('answers 429 with Retry-After past a key’s rate limit, and limits only that key', async () => {
    const writer = { authorization: `Bearer ${fixture.keys.visionWriter}` };
    for (let request = 0; request < 2; request += 1) {
      expect((await fixture.post('/v1/events', [labelCreated()], writer)).status).toBe(200);
    }
    const response = await fetch(`${fixture.gateway.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...writer },
      body: JSON.stringify([labelCreated()]),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await response.json()).toMatchObject({
      statusCode: 429,
      message: expect.stringMatching(
        /rate limit: API key "vision-writer" exceeded 0.01 requests\/s \(bursts of 2\)/,
      ),
    });
    expect((await fixture.post('/v1/events', [labelCreated()])).status).toBe(200);
  });

  it('answers 408 naming requestTimeoutMs to a request whose headers do not arrive in time', async () => {
    const { hostname, port } = new URL(fixture.gateway.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.write('POST /v1/events HTTP/1.1\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('utf8')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      statusCode: 408,
      message: expect.stringContaining('requestTimeoutMs: the request did not arrive within 300 ms'),
    });
  });
});
