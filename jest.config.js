/** @type {import('jest').Config} */
const swc = (syntax) => ['@swc/jest', {
  jsc: { parser: { syntax }, target: 'es2022' },
  module: { type: 'commonjs' },
}];

// @kubernetes/client-node 1.x and the OIDC packages it loads, and secretlint's rule preset (the credential
// scan of lib/core), are ES modules only. Node 20 loads them through require(esm); jest's module registry
// does not, so jest compiles exactly these to CommonJS.
const ESM_ONLY = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose', '@secretlint/secretlint-rule-preset-recommend'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/cluster needs the real management cluster: `npm run test:cluster` (jest.cluster.config.js) runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  // Tests are bounded by count, not by time; 5 s is too little for a fuzz or multi-trial test on a busy
  // 2-core machine. Performance is measured by `npm run bench`, never by a test's time.
  testTimeout: 30_000,
  transform: {
    '^.+\\.tsx?$': swc('typescript'),
    '^.+\\.m?js$': swc('ecmascript'),
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
};
