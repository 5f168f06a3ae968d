/**
 * The dependency rule of lib/ (docs/architecture.md). `npm test` runs it (test/architecture/dependencies.test.ts);
 * `npm run deps` runs it alone, `npm run deps:graph` prints the folder graph that docs/architecture.md shows.
 *
 * Layers, lowest first: lib/core (rules/ and output/ at its bottom, then the concept folders), the adapters
 * (lib/cdk8s, lib/pulumi), the runtime (lib/ops, then lib/service), the CLI (lib/cli). Imports go down only.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles in lib/: move the shared piece down to a module both sides can import.',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-no-outer-layer',
      severity: 'error',
      comment: 'lib/core is framework-free: it imports nothing of the adapters, the runtime or the CLI.',
      from: { path: '^lib/core/' },
      to: { path: '^lib/(cdk8s|pulumi|ops|service|cli)/' },
    },
    {
      name: 'adapters-import-only-core',
      severity: 'error',
      comment: 'The cdk8s and Pulumi adapters build on lib/core only: not on each other, the runtime or the CLI.',
      from: { path: '^lib/(cdk8s|pulumi)/' },
      to: { path: '^lib/(cdk8s|pulumi|ops|service|cli)/', pathNot: '^lib/$1/' },
    },
    {
      name: 'ops-imports-no-service',
      severity: 'error',
      comment: 'lib/ops (node operations) is below lib/service (the add-on API): it imports neither the service, the adapters nor the CLI.',
      from: { path: '^lib/ops/' },
      to: { path: '^lib/(service|cdk8s|pulumi|cli)/' },
    },
    {
      name: 'service-imports-no-adapter-or-cli',
      severity: 'error',
      comment: 'lib/service builds on lib/core and lib/ops, not on the adapters or the CLI.',
      from: { path: '^lib/service/' },
      to: { path: '^lib/(cdk8s|pulumi|cli)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'lib/cli is the top layer: only bin/ starts it.',
      from: { path: '^lib/', pathNot: '^lib/cli/' },
      to: { path: '^lib/cli/' },
    },
    {
      name: 'lib-imports-no-test-or-bench',
      severity: 'error',
      comment: 'The library never imports its tests, benchmarks or examples.',
      from: { path: '^lib/' },
      to: { path: '^(test|bench|examples)/' },
    },
    {
      name: 'core-foundation-imports-no-concept',
      severity: 'error',
      comment: 'lib/core/rules/ and lib/core/output/ are the foundation: they import no concept folder of lib/core.',
      from: { path: '^lib/core/(rules|output)/' },
      to: { path: '^lib/core/', pathNot: '^lib/core/(rules|output)/' },
    },
    {
      name: 'core-rules-imports-only-rules',
      severity: 'error',
      comment: 'lib/core/rules/ is the bottom of the core: output/ may import it, not the other way round.',
      from: { path: '^lib/core/rules/' },
      to: { path: '^lib/core/', pathNot: '^lib/core/rules/' },
    },
    {
      name: 'core-modules-do-not-import-the-core-index',
      severity: 'error',
      comment: 'lib/core/index.ts is the public surface; no module of lib/core imports it (it would tie every module to all the others).',
      from: { path: '^lib/core/.+/' },
      to: { path: '^lib/core/index\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every relative import of lib/ resolves to a file.',
      from: { path: '^lib/' },
      to: { couldNotResolve: true, dependencyTypesNot: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    reporterOptions: {
      text: { highlightFocused: false },
    },
  },
};
