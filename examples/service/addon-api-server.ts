// The add-on API in your own process: the same service `capi-constructs serve` runs.
import { createAddonService, loadKubeConfig } from '../../lib/service';

async function main(): Promise<void> {
  const service = createAddonService({
    kubeConfig: loadKubeConfig(), // the management cluster: KUBECONFIG, ~/.kube/config or in-cluster
    uninstallTimeoutSeconds: 900,
  });
  await service.listen(8080, '0.0.0.0');
  process.once('SIGTERM', () => { void service.shutdown(); });
}

void main();
