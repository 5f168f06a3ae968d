/**
 * Every CLI failure is one line with its cause and a code of the one exit-code table: inputs that used to
 * print stack traces or raw JavaScript messages (issue list: YAML alias bomb and deep YAML for plan; serve
 * with missing or garbage TLS files, an unresolvable or non-local host, a port in use; an empty kubeconfig).
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capi-cli-failures-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { write: (s: string) => { stdout += s; } }, { write: (s: string) => { stderr += s; } });
  return { code, stdout, stderr };
}

function file(name: string, content: string): string {
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, content);
  return f;
}

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;

describe('plan reads bounded YAML', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n');
  test.each([
    ['an alias bomb', bomb, /expands YAML aliases more than 100 times/],
    ['flow nesting deeper than the reader\'s stack', '['.repeat(100_000), /nests deeper than the YAML reader can follow/],
    ['nesting deeper than 100 levels', `${Array.from({ length: 120 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`, /nests deeper than 100 levels/],
  ])('%s is one line, exit 64', async (_, yaml, message) => {
    const prev = path.join(dir, `prev-${Math.random().toString(36).slice(2)}`);
    const next = path.join(dir, `next-${Math.random().toString(36).slice(2)}`);
    file(path.relative(dir, path.join(prev, 'a.k8s.yaml')), yaml);
    fs.mkdirSync(next);
    const r = await cli('plan', '--previous', prev, '--next', next);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});

describe('kubeconfig problems are configuration errors (78), in plain words', () => {
  test('an empty kubeconfig', async () => {
    const empty = file('empty-kubeconfig', '\n');
    const r = await cli('node', 'show', 'w-1', '--cluster', 'c', '--namespace', 'n', '--kubeconfig', empty);
    expect(r).toEqual({ code: 78, stdout: '', stderr: `capi-constructs node: the kubeconfig ${empty} (--kubeconfig) is empty\n` });
  });

  test('a YAML file that is no kubeconfig', async () => {
    const list = file('list-kubeconfig', '- a\n- b\n');
    const r = await cli('serve', '--host', '127.0.0.1', '--kubeconfig', list);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/^capi-constructs serve: cannot load the kubeconfig .*list-kubeconfig \(--kubeconfig\): [^\n]+\n$/);
    expect(r.stderr).not.toMatch(/Cannot read properties/);
  });
});

describe('serve fails in one line', () => {
  let kubeconfig: string;
  beforeAll(() => { kubeconfig = file('kubeconfig', KUBECONFIG); });

  test('a missing --tls-cert file (78)', async () => {
    const r = await cli('serve', '--host', '127.0.0.1', '--kubeconfig', kubeconfig, '--tls-cert', path.join(dir, 'nope.pem'), '--tls-key', path.join(dir, 'nope.key'));
    expect(r).toEqual({ code: 78, stdout: '', stderr: `capi-constructs serve: cannot read --tls-cert ${path.join(dir, 'nope.pem')}: ENOENT\n` });
  });

  test('garbage TLS files (78)', async () => {
    const cert = file('garbage.pem', 'not a certificate');
    const key = file('garbage.key', 'not a key');
    const r = await cli('serve', '--host', '127.0.0.1', '--kubeconfig', kubeconfig, '--tls-cert', cert, '--tls-key', key);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/^capi-constructs serve: --tls-cert \S+ and --tls-key \S+ are not a PEM certificate and its private key: [^\n]+\n$/);
  });

  test.each([
    ['an unresolvable --host', 'no-such-host.invalid', /--host "no-such-host.invalid" does not resolve/],
    ['a --host that is not local', '192.0.2.1', /--host "192.0.2.1" \(192.0.2.1\) is not an address of this machine/],
  ])('%s (64)', async (_, host, message) => {
    const r = await cli('serve', '--host', host, '--kubeconfig', kubeconfig);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  test('a port in use (1)', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await cli('serve', '--host', '127.0.0.1', '--port', String(port), '--kubeconfig', kubeconfig);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`capi-constructs serve: port ${port} on 127.0.0.1 is already in use\\n$`));
    } finally {
      blocker.close();
    }
  });
});
