/**
 * The frameworks are optional peer dependencies: a cdk8s project need not install Pulumi, nor a Pulumi
 * project cdk8s. Each adapter entry point checks its peers when it is loaded, so that a missing one is a
 * plain instruction instead of a MODULE_NOT_FOUND from deep inside the package.
 *
 * The peers are given either by name (looked up with `require.resolve`, for code that loads them later) or
 * as loaders, `{ name: () => require('name') }`. An entry point that a bundler may pack uses loaders: a
 * bundler sees the literal `require` and packs the peer, and a packed peer is present although no
 * `node_modules` holds it, which `require.resolve` cannot tell.
 */
export type Peers = readonly string[] | Readonly<Record<string, () => unknown>>;

/** True if `error` is node's "cannot find module `name`" (and not a failure inside the peer). */
function notFound(error: unknown, name: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return typeof e?.code === 'string' && /^(ERR_)?MODULE_NOT_FOUND$/.test(e.code)
    && typeof e.message === 'string' && e.message.includes(`'${name}'`);
}

export function requirePeers(entry: string, peers: Peers, alternatives: string): void {
  const probes: [string, () => unknown][] = Array.isArray(peers)
    ? (peers as readonly string[]).map((p) => [p, () => require.resolve(p)])
    : Object.entries(peers as Readonly<Record<string, () => unknown>>);
  const missing = probes.filter(([name, probe]) => {
    try {
      probe();
      return false;
    } catch (e) {
      if (Array.isArray(peers) || notFound(e, name)) return true;
      throw e;
    }
  }).map(([name]) => name);
  if (missing.length > 0) {
    throw new Error(`${entry} needs the peer dependenc${missing.length === 1 ? 'y' : 'ies'} ${missing.join(' and ')}: `
      + `npm install ${missing.join(' ')}. ${alternatives}`);
  }
}
