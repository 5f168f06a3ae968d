/**
 * `npm run test:cluster`: the suites of test/cluster against the real management and workload clusters
 * (docs/testing.md). The global setup builds the components (mgmt/build.sh, reused from its cache) and
 * starts the clusters when none runs, and the global teardown stops what the setup started.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
  // one API server pair for all suites: suites run one after the other, each in its own namespaces
  maxWorkers: 1,
  testTimeout: 300_000,
};
