/**
 * Preloaded (`node --require`) into the processes `npm run bench -- --cpu-prof` profiles: V8 writes a CPU
 * profile only when the process exits normally, and a process that dies of SIGTERM never does.
 */
process.once('SIGTERM', () => process.exit(0));
