/**
 * Day-2 plan: what applying a new set of manifests over the previous one will have rejected, roll,
 * delete or scale, and change in place (docs/day-2.md).
 */
export * from './types';
export * from './diff';
export * from './manifests';
export * from './rules';
export * from './rolls';
export * from './deletes-scales';
export * from './in-place';
export * from './plan';
export * from './format';
export { celViolations } from './cel/evaluate';
export type { CelViolation } from './cel/evaluate';
export { toHub } from './convert';
export * from './upgrade-order';
