import { configOrExit, createApi, migrate, stopTakingRequestsOnSignal } from './bootstrap';

async function main(): Promise<void> {
  const config = configOrExit();
  await migrate(config);
  const app = await createApi(config, { workers: config.workersInApi });
  stopTakingRequestsOnSignal(app);
  await app.listen(config.port, config.host);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
