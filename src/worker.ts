import { configOrExit, createContext, migrate } from './bootstrap';
import { serveMetrics } from './observability/metrics-server';

/** A worker-only process: run as many as you like, on any machine that reaches the same Redis and Postgres. */
async function main(): Promise<void> {
  const config = configOrExit();
  await migrate(config);
  await createContext(config, { workers: true });
  // Off unless METRICS_PORT is set: several workers on one machine each need their own port.
  if (config.metricsPort) await serveMetrics(config.metricsPort);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
