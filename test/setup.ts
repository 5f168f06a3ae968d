// Tests assert warnings through the `warnings` lists; keep stderr quiet.
process.env.CAPI_CONSTRUCTS_WARNINGS = 'silent';

// Property tests: under CI every run uses one fixed seed, so a submission's result is reproducible; local
// runs draw a fresh seed each time (printed with any counterexample) and so keep exploring. FC_SEED sets it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fc: typeof import('fast-check') = require('fast-check');
const seed = process.env.FC_SEED ?? (process.env.CI ? '20261207' : undefined);
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) });
