import { requirePeers } from '../core/rules/peers';

// loaders, not names: a bundler packs what a literal require names (lib/core/rules/peers.ts)
requirePeers('capi-constructs/pulumi', { '@pulumi/pulumi': () => require('@pulumi/pulumi'), '@pulumi/kubernetes': () => require('@pulumi/kubernetes') },
  'cdk8s programs import "capi-constructs"; code without a framework imports "capi-constructs/core".');
