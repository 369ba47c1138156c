import { createServer, Server } from 'node:http';
import { register } from 'prom-client';

/**
 * `GET /metrics` for a worker-only process, which has no HTTP server of its own: the jobs it ran, rows it parsed
 * and its process metrics (the API reports the shared queue depth). On 127.0.0.1 only: a scraper on the same
 * machine (or a sidecar) reads it; nothing else needs to reach a worker.
 */
export function serveMetrics(port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    register.metrics().then(
      (body) => response.writeHead(200, { 'Content-Type': register.contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
