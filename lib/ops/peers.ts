import { requireRuntimePeers } from '../core/rules/runtime-peers';

// loaders, not names (OPS_PEERS): a bundler packs what a literal require names (lib/core/rules/peers.ts)
requireRuntimePeers('capi-constructs/ops', { '@kubernetes/client-node': () => require('@kubernetes/client-node') });
