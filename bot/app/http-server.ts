import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';
import type { HealthReport } from './health.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

export type ObservabilityEndpoints = {
  readonly health: () => Promise<HealthReport>;
  /** Without it, `/metrics` is not served. */
  readonly metrics?: Metrics;
  readonly logger: Logger;
};

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * `GET /healthz` (200 when ok or degraded, 503 with the part that is down) and `GET /metrics` (Prometheus text). The
 * same handlers serve on the Bolt HTTP receiver (`customRoutes`, on PORT) and on the server of
 * `startObservabilityServer` (Socket Mode and dry-run, on KIGEN_HTTP_PORT).
 */
export function observabilityRoutes(endpoints: ObservabilityEndpoints): CustomRoute[] {
  return Object.entries(handlers(endpoints)).map(([path, handler]) => ({ path, method: ['GET'], handler }));
}

function handlers(endpoints: ObservabilityEndpoints): Record<string, Handler> {
  const log = endpoints.logger;
  let lastStatus: HealthReport['status'] = 'ok';
  const result: Record<string, Handler> = {
    [HEALTH_PATH]: (_req, res) => {
      void endpoints
        .health()
        .then((report) => {
          // One line when the health changes, not one per probe.
          if (report.status !== lastStatus) {
            (report.status === 'ok' ? log.info : log.warn).call(
              log,
              { health: report },
              `Health: ${report.status}`,
            );
            lastStatus = report.status;
          }
          // Degraded still serves: a load balancer keeps it, an orchestrator does not restart it.
          send(res, report.status === 'unavailable' ? 503 : 200, 'application/json', JSON.stringify(report));
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'Health check failed');
          send(res, 503, 'application/json', JSON.stringify({ status: 'unavailable' }));
        });
    },
  };
  const metrics = endpoints.metrics;
  if (metrics) {
    result[METRICS_PATH] = (_req, res) => {
      void metrics
        .render()
        .then((text) => send(res, 200, metrics.contentType, text))
        .catch((error: unknown) => {
          log.error({ err: error }, 'Metrics could not be rendered');
          send(res, 500, 'text/plain', 'metrics unavailable\n');
        });
    };
  }
  return result;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

export type ObservabilityServer = {
  readonly port: number;
  close(): Promise<void>;
};

export class HttpPortInUseError extends Error {}

/**
 * The health and metrics server of Socket Mode and dry-run (HTTP mode serves the same routes on
 * the Slack receiver). Listens on every interface: a container's health check and Prometheus reach it.
 */
export async function startObservabilityServer(
  endpoints: ObservabilityEndpoints,
  options: { port: number; host?: string },
): Promise<ObservabilityServer> {
  const routes = handlers(endpoints);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handler = routes[path];
    if (!handler) return send(res, 404, 'text/plain', 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET');
      return send(res, 405, 'text/plain', 'method not allowed\n');
    }
    handler(req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new HttpPortInUseError(
              `KIGEN_HTTP_PORT: port ${options.port} is already in use (choose another port, or off)`,
            )
          : error,
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive connection must not hold the shutdown.
        server.closeAllConnections();
      }),
  };
}
