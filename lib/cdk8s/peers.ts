import { requirePeers } from '../core/rules/peers';

// loaders, not names: a bundler packs what a literal require names (lib/core/rules/peers.ts)
requirePeers('capi-constructs (the cdk8s constructs)', { cdk8s: () => require('cdk8s'), constructs: () => require('constructs') },
  'Pulumi programs import "capi-constructs/pulumi"; code without a framework imports "capi-constructs/core".');
