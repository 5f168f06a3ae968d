import { requireRuntimePeers } from '../core/rules/runtime-peers';

// loaders, not names (SERVICE_PEERS): a bundler packs what a literal require names (lib/core/rules/peers.ts)
requireRuntimePeers('capi-constructs/service', {
  '@kubernetes/client-node': () => require('@kubernetes/client-node'),
  fastify: () => require('fastify'),
  'prom-client': () => require('prom-client'),
});
