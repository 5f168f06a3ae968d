/**
 * The frameworks are optional peer dependencies: a cdk8s project need not install Pulumi, nor a Pulumi
 * project cdk8s. Each adapter entry point checks its peers when it is loaded, so that a missing one is a
 * plain instruction instead of a MODULE_NOT_FOUND from deep inside the package.
 */
export function requirePeers(entry: string, peers: readonly string[], alternatives: string): void {
  const missing = peers.filter((p) => {
    try {
      require.resolve(p);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(`${entry} needs the peer dependenc${missing.length === 1 ? 'y' : 'ies'} ${missing.join(' and ')}: `
      + `npm install ${missing.join(' ')}. ${alternatives}`);
  }
}
