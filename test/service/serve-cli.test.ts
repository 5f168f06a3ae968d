import { spawn } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../lib/cli';
import { startKubeFake } from '../support/kube-fake';

function capture() {
  let text = '';
  return { out: { write: (s: string) => { text += s; } }, get text() { return text; } };
}

describe('capi-constructs serve', () => {
  it('rejects bad flags with usage errors (exit 64) and a missing kubeconfig as a configuration error (exit 78), in one line', async () => {
    for (const [args, code] of [[['--port', 'http'], 64], [['--port', '70000'], 64], [['--port', '0x50'], 64], [['--tls-cert', 'a.pem'], 64], [['--capi-version', 'v1alpha4'], 64], [['--kubeconfig', '/nonexistent/kubeconfig'], 78]] as const) {
      const err = capture();
      expect(await main(['serve', ...args], capture().out, err.out)).toBe(code);
      expect(err.text).toMatch(/^capi-constructs serve: [^\n]+\n$/);
    }
  });

  it('runs against a kubeconfig file, answers on the port, logs JSON without the kubeconfig, and exits 0 on SIGTERM', async () => {
    const fake = await startKubeFake({ tokens: { 't-cli': { username: 'cli', groups: ['system:authenticated'] } } });
    const dir = mkdtempSync(join(tmpdir(), 'serve-'));
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, fake.kubeconfigYaml());
    const child = spawn(process.execPath, [join(__dirname, '../../bin/capi-constructs.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--kubeconfig', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let url: string | undefined;
      for (let i = 0; i < 600 && !url; i++) {
        url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
        if (!url) await new Promise((r) => setTimeout(r, 50));
      }
      expect(url).toBeDefined();
      let ready = 0;
      for (let i = 0; i < 200 && ready !== 200; i++) {
        ready = (await fetch(`${url}/readyz`)).status;
        if (ready !== 200) await new Promise((r) => setTimeout(r, 25));
      }
      expect(ready).toBe(200);
      const res = await fetch(`${url}/v1/namespaces/default/clusters/none/addons`, { headers: { authorization: 'Bearer t-cli' } });
      expect(res.status).toBe(403); // cli has no rights: the default authorizer of the fake
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('serving plain HTTP');
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.find((l) => l.operation === 'list')).toMatchObject({ statusCode: 403, errorType: 'forbidden', user: 'cli' });
      expect(stdout).not.toContain('kube-fake-admin');
      expect(stdout).not.toContain('t-cli');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await fake.close();
    }
  }, 60000);
});
