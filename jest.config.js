/** @type {import('jest').Config} */
const swc = (syntax) => ['@swc/jest', {
  jsc: { parser: { syntax }, target: 'es2022' },
  module: { type: 'commonjs' },
}];

// @kubernetes/client-node 1.x and the OIDC packages it loads are ES modules only. Node 20 loads them
// through require(esm); jest's module registry does not, so jest compiles exactly these to CommonJS.
const ESM_ONLY = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/cluster needs the real management cluster: `npm run test:cluster` (jest.cluster.config.js) runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  transform: {
    '^.+\\.tsx?$': swc('typescript'),
    '^.+\\.m?js$': swc('ecmascript'),
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
};
