/** Three jest projects, runnable one by one (`npm run test:unit` ...), all run by `npm test`. */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: { '^#src/(.*)$': '<rootDir>/src/$1' },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', {}],
    // @middy/core 6 ships ESM only; jest on Node 20 needs it compiled to CommonJS.
    '^.+/node_modules/@middy/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
module.exports = {
  // After the run, test/support/exit-watch.cjs names whatever a test left open and ends the run
  // instead of letting jest wait for it for good (a CI run once hung so until its time limit).
  reporters: ['default', '<rootDir>/test/support/exit-watch.cjs'],
  // Two test files at a time (ADR 0037): one left the two cores a third idle, since the files wait
  // on their stacks much of the time; more than two would only share the cores between more files
  // whose checks include timing. Fixed, so a bigger machine runs the suite the same way.
  maxWorkers: 2,
  // A worker that has run half the suite takes more than jest's default 500 ms to end once asked
  // (ADR 0037: 450 ms after the request both were still tearing down, their event loops already
  // gone, so no handle held them), and jest then force-ended it with a warning of a leak. A worker
  // that something does hold open is still force-ended, after this.
  workerGracefulExitTimeout: 5_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...base, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // One DynamoDB Local for every test file (test/integration/support/shared-store.ts).
      globalSetup: '<rootDir>/test/integration/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/support/global-teardown.ts',
    },
  ],
};
