// The fault suite (`npm run test:faults`, scripts/faults.sh): real processes killed and restarted mid-work. Not part
// of `npm test`, whose tiers are in jest.config.js.
module.exports = {
  displayName: 'faults',
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/faults/**/*.spec.ts'],
  // One file at a time: scenarios restart the PostgreSQL and Redis that every file uses.
  maxWorkers: 1,
  testTimeout: 180000,
  globalTeardown: '<rootDir>/test/support/fault-results.ts',
};
