import { requireRuntimePeers, SERVICE_PEERS } from '../core/rules/runtime-peers';

requireRuntimePeers('capi-constructs/service', SERVICE_PEERS);
