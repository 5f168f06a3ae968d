import { readFileSync } from 'fs';
import { createAddonService, loadKubeConfig } from '../service';
import { Command, parseFlags, UsageError } from './args';

/** Signals that start the graceful shutdown. */
const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export const serve: Command = {
  usage: `  capi-constructs serve [--port 8080] [--host 0.0.0.0] [--kubeconfig <file>] [--tls-cert <file> --tls-key <file>] [--capi-version v1beta2]
      Run the add-on API (install, status, uninstall over HTTP) against the management cluster of the kubeconfig
      (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account). See docs/addon-api.md.`,
  async run(args, _out, err) {
    const flags = parseFlags(args, ['port', 'host', 'kubeconfig', 'tls-cert', 'tls-key', 'capi-version']);
    const port = flags.port === undefined ? 8080 : Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${JSON.stringify(flags.port)} is not a port number (0-65535)`);
    if ((flags['tls-cert'] === undefined) !== (flags['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
    const capiVersion = flags['capi-version'] ?? 'v1beta2';
    if (capiVersion !== 'v1beta2' && capiVersion !== 'v1beta1') throw new UsageError(`--capi-version ${JSON.stringify(capiVersion)} must be v1beta2 or v1beta1`);
    let kubeConfig;
    try {
      kubeConfig = loadKubeConfig(flags.kubeconfig);
    } catch (e) {
      // the file's path, never its content
      const message = (e as Error).message.split('\n')[0].slice(0, 300);
      if (!flags.kubeconfig && message.startsWith('no kubeconfig found')) throw new UsageError(message);
      throw new UsageError(`cannot load the kubeconfig${flags.kubeconfig ? ` ${flags.kubeconfig}` : ''}: ${message}`);
    }
    const https = flags['tls-cert'] ? { cert: readFileSync(flags['tls-cert']), key: readFileSync(flags['tls-key']) } : undefined;
    if (!https) err.write('capi-constructs serve: serving plain HTTP: put it behind TLS (--tls-cert/--tls-key, a mesh or an ingress), bearer tokens travel in every request\n');
    const service = createAddonService({ kubeConfig, capiVersion, https });
    await service.listen(port, flags.host ?? '0.0.0.0');
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
