// Three tiers, selectable with `jest --selectProjects unit|integration|e2e`.
const tier = (name, extra = {}) => ({
  displayName: name,
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: [`<rootDir>/test/${name}/**/*.spec.ts`],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  ...extra,
});

module.exports = {
  projects: [
    tier('unit'),
    tier('integration', { globalSetup: '<rootDir>/test/support/global-setup.ts', testTimeout: 120000 }),
    tier('e2e', { globalSetup: '<rootDir>/test/support/global-setup.ts', testTimeout: 180000 }),
  ],
};
