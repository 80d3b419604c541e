import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readinessStatusCode, type Observability } from './observability';

export interface ObservabilityServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 0.0.0.0, so Prometheus and orchestrators can reach it. */
  host?: string;
}

export interface RunningObservabilityServer {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  port: number;
  close(): Promise<void>;
}

function send(response: ServerResponse, statusCode: number, contentType: string, body: string): void {
  response.writeHead(statusCode, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

const json = (response: ServerResponse, statusCode: number, body: unknown) =>
  send(response, statusCode, 'application/json; charset=utf-8', JSON.stringify(body));

async function route(observability: Observability, request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return json(response, 405, { error: 'only GET is served here' });
  }
  switch (path) {
    case '/health/live':
      return json(response, 200, observability.liveness());
    case '/health/ready': {
      const report = await observability.readiness();
      return json(response, readinessStatusCode(report), report);
    }
    case '/metrics':
      return send(response, 200, observability.metrics.contentType, await observability.metrics.text());
    default:
      return json(response, 404, { error: `no route ${path}; try /health/live, /health/ready, /metrics` });
  }
}

/**
 * /health/live, /health/ready and /metrics on a bare node:http server, for a process that serves no
 * other HTTP (the projector). Same answers as ObservabilityModule, from the same Observability.
 */
export async function startObservabilityServer(
  observability: Observability,
  options: ObservabilityServerOptions,
): Promise<RunningObservabilityServer> {
  const server = createServer((request, response) => {
    route(observability, request, response).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { error: (error as Error).message });
      else response.destroy();
    });
  });
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections of a scraper would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
