/**
 * Issue 33, item 6: random invocations of every command (real and misspelled options, hostile values,
 * files that are missing, empty, YAML bombs or not YAML at all) end with a code of the one exit-code
 * table and, on failure, exactly one line on stderr with no stack trace. Bounded by count; no
 * kubeconfig is reachable, so nothing touches a network or starts a server.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { EXIT, main } from '../../lib/cli';

let dir: string;
const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME, KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST };
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-cli-fuzz-'));
  process.env.KUBECONFIG = path.join(dir, 'no-kubeconfig');
  process.env.HOME = dir;
  delete process.env.KUBERNETES_SERVICE_HOST;
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n');
  const files: Record<string, string> = {
    'empty.yaml': '', 'bomb/a.k8s.yaml': bomb, 'deep/a.k8s.yaml': '['.repeat(100_000), 'binary.yaml': '\u0000\u0001\u00ff', 'list.yaml': '- a\n- b\n',
    'ok/a.k8s.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: n }\n', 'cert.pem': 'not a certificate',
  };
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
});

const CODES = new Set<number>(Object.values(EXIT));

describe('fuzz: every CLI invocation ends in one line and a documented code', () => {
  it('150 random invocations', async () => {
    const file = fc.constantFrom('empty.yaml', 'bomb', 'deep', 'binary.yaml', 'list.yaml', 'ok', 'cert.pem', 'missing', 'ok/a.k8s.yaml', '').map((f) => (f === '' ? '' : path.join(dir, f)));
    const value = fc.oneof(file, fc.constantFrom('0x50', '80', '-1', '65536', '8e1', ' 80', '0', '::1', '127.0.0.1', 'no-such-host.invalid', '192.0.2.1', 'v1beta1', 'v9', 'rolls', 'x'.repeat(5000), '\u2028', '--', '-'), fc.string({ maxLength: 8 }));
    const option = fc.constantFrom('--previous', '--next', '--kubeconfig', '--port', '--host', '--tls-cert', '--tls-key', '--capi-version', '--fail-on', '--cluster', '--namespace', '--format', '--json', '--prevoius', '-x', '--help');
    const command = fc.constantFrom('plan', 'serve', 'node', 'addon-cleanup', 'addon-ports', 'help', 'version', 'plna', '', '--version');
    const sub = fc.constantFrom<string[]>([], ['show', 'w-1'], ['drain', 'w-1'], ['cordon', 'w-1'], ['delete', 'w-1'], ['exit-codes']);
    const argv = fc.tuple(command, sub, fc.array(fc.tuple(option, fc.option(value, { nil: undefined })), { maxLength: 5 }))
      .map(([c, s, opts]) => [c, ...s, ...opts.flatMap(([o, v]) => (v === undefined ? [o] : [o, v]))].filter((a, i) => i > 0 || a !== ''));
    await fc.assert(fc.asyncProperty(argv, async (args) => {
      let stdout = '';
      let stderr = '';
      const code = await main(args, { write: (s: string) => { stdout += s; } }, { write: (s: string) => { stderr += s; } });
      expect([args, CODES.has(code)]).toEqual([args, true]);
      if (code !== EXIT.ok) {
        expect([args, stderr.split('\n').filter((l) => l !== '').length]).toEqual([args, 1]);
        expect(stderr).toMatch(/^capi-constructs( [a-z-]+)?: /);
        expect(stderr).not.toMatch(/\n\s+at |TypeError|RangeError|Cannot read properties|Maximum call stack/);
      }
      expect(stdout.length + stderr.length).toBeGreaterThan(0);
    }), { numRuns: 150 });
  });
});
