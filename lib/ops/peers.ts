import { OPS_PEERS, requireRuntimePeers } from '../core/rules/runtime-peers';

requireRuntimePeers('capi-constructs/ops', OPS_PEERS);
