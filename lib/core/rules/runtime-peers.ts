/**
 * The runtime (`capi-constructs/ops`, `capi-constructs/service` and the `node` and `serve` commands) talks to
 * Kubernetes and serves HTTP through packages the constructs never load. They are optional peer
 * dependencies, so that a project that only synthesizes manifests installs none of them; the runtime
 * checks for them when it is loaded and names the one install command that adds them.
 */
import { Peers, requirePeers } from './peers';

/** What `capi-constructs/ops` and the `node` command load. */
export const OPS_PEERS = ['@kubernetes/client-node'] as const;
/** What `capi-constructs/service` and the `serve` command load. */
export const SERVICE_PEERS = ['@kubernetes/client-node', 'fastify', 'prom-client'] as const;

const CONSTRUCTS_NEED_NONE = 'The constructs (capi-constructs, capi-constructs/pulumi, capi-constructs/core) need none of them.';

/** Throws a plain instruction if a peer of `entry` is missing. */
export function requireRuntimePeers(entry: string, peers: Peers): void {
  requirePeers(entry, peers, CONSTRUCTS_NEED_NONE);
}
