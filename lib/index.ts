/**
 * capi-constructs: typed cdk8s constructs for Cluster API and Flux.
 * The framework-free core (specs, validation, naming, renderers) is re-exported here too;
 * Pulumi components live in `capi-constructs/pulumi`.
 */
export * from './core';
export * from './cdk8s';
