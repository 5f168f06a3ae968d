import * as dns from 'dns/promises';
import { readFileSync } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as tls from 'tls';
import { createAddonService, loadKubeConfig } from '../service';
import { Command, ConfigError, parseFlags, UsageError } from './args';
import { loadKubeconfig } from './kubeconfig';
import { SERVE_USAGE } from './usage';

/** Signals that start the graceful shutdown. */
const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** A port as a user writes it: decimal digits only (`0x50`, `8e1`, ` 80` are refused), 0-65535. */
export function parsePort(value: string | undefined): number {
  if (value === undefined) return 8080;
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port ${JSON.stringify(value)} is not a port number (decimal, 0-65535)`);
  return port;
}

/** The addresses of this machine (any interface), and the wildcard addresses. */
function localAddresses(): Set<string> {
  const all = new Set<string>(['0.0.0.0', '::']);
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) all.add(a.address);
  return all;
}

/** Checks that --host names an address of this machine: resolvable, and local. */
export async function checkHost(host: string): Promise<void> {
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true })).map((a) => a.address);
    } catch (e) {
      throw new UsageError(`--host ${JSON.stringify(host)} does not resolve (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const local = localAddresses();
  if (!addresses.some((a) => local.has(a))) {
    throw new UsageError(`--host ${JSON.stringify(host)} (${addresses.join(', ')}) is not an address of this machine: the server can listen only on a local address`);
  }
}

function readTls(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ConfigError(`cannot read --${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export const serve: Command = {
  usage: SERVE_USAGE,
  async run(args, _out, err) {
    const flags = parseFlags(args, ['port', 'host', 'kubeconfig', 'tls-cert', 'tls-key', 'capi-version', 'mode', 'lease-duration-seconds']);
    const port = parsePort(flags.port);
    if ((flags['tls-cert'] === undefined) !== (flags['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
    const capiVersion = flags['capi-version'] ?? 'v1beta2';
    if (capiVersion !== 'v1beta2' && capiVersion !== 'v1beta1') throw new UsageError(`--capi-version ${JSON.stringify(capiVersion)} must be v1beta2 or v1beta1`);
    const mode = flags.mode ?? 'management';
    if (mode !== 'management' && mode !== 'tenant') throw new UsageError(`--mode ${JSON.stringify(mode)} must be management or tenant`);
    const leaseDuration = flags['lease-duration-seconds'];
    const leaseDurationSeconds = leaseDuration === undefined ? undefined : /^[0-9]{1,4}$/.test(leaseDuration) && Number(leaseDuration) >= 3 ? Number(leaseDuration) : NaN;
    if (Number.isNaN(leaseDurationSeconds)) throw new UsageError(`--lease-duration-seconds ${JSON.stringify(leaseDuration)} must be a whole number of seconds, at least 3`);
    const host = flags.host ?? '0.0.0.0';
    await checkHost(host);
    const kubeConfig = loadKubeconfig(flags.kubeconfig, loadKubeConfig);
    const https = flags['tls-cert'] ? { cert: readTls('tls-cert', flags['tls-cert']), key: readTls('tls-key', flags['tls-key']) } : undefined;
    if (https) {
      try {
        // the same check the HTTPS server makes, before anything starts: a PEM certificate and its key
        tls.createSecureContext(https);
      } catch (e) {
        throw new ConfigError(`--tls-cert ${flags['tls-cert']} and --tls-key ${flags['tls-key']} are not a PEM certificate and its private key: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    if (!https) err.write('capi-constructs serve: serving plain HTTP: put it behind TLS (--tls-cert/--tls-key, a mesh or an ingress), bearer tokens travel in every request\n');
    const service = createAddonService({ kubeConfig, capiVersion, mode, https, leaseDurationSeconds });
    try {
      await service.listen(port, host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      await service.shutdown().catch(() => undefined);
      if (code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is already in use`);
      if (code === 'EACCES') throw new Error(`no permission to listen on port ${port} of ${host} (ports below 1024 need privileges)`);
      throw new Error(`cannot listen on ${host}:${port}: ${code ?? (e as Error).message.split('\n')[0]}`);
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        for (const s of SIGNALS) process.removeListener(s, stop);
        service.shutdown().then(resolve, resolve);
      };
      for (const s of SIGNALS) process.once(s, stop);
    });
    return 0;
  },
};
