import { configOrExit, createContext, migrate } from './bootstrap';

/** A worker-only process: run as many as you like, on any machine that reaches the same Redis and Postgres. */
async function main(): Promise<void> {
  const config = configOrExit();
  await migrate(config);
  await createContext(config, { workers: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
