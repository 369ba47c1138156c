// Three tiers, selectable with `jest --selectProjects unit|integration|e2e`.
const tier = (name, extra = {}) => ({
  displayName: name,
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: [`<rootDir>/test/${name}/**/*.spec.ts`],
  ...extra,
});

module.exports = {
  testTimeout: 180000,
  projects: [
    tier('unit'),
    tier('integration', { globalSetup: '<rootDir>/test/support/global-setup.ts' }),
    tier('e2e', { globalSetup: '<rootDir>/test/support/global-setup.ts' }),
  ],
};
