// Three tiers, selectable with `jest --selectProjects unit|integration|e2e`.
const tier = (name, extra = {}) => ({
  displayName: name,
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: [`<rootDir>/test/${name}/**/*.spec.ts`],
  ...extra,
});

// Each run migrates its own template database; test files clone it.
const databases = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

module.exports = {
  testTimeout: 180000,
  projects: [
    tier('unit'),
    tier('integration', databases),
    tier('e2e', databases),
  ],
};
