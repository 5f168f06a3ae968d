/** The command line as a user meets it: version, help for every command, one wording per error. */
import { COMMANDS } from '../../lib/cli/commands';
import { runCli as run } from '../support/cli';

const pkg = require('../../package.json') as { version: string };

describe('capi-constructs CLI', () => {
  test('--version prints the package version', () => {
    const r = run('--version');
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  test.each(Object.keys(COMMANDS).flatMap((c) => [[c, '--help'], [c, '-h']]))('%s %s prints that command\'s usage and exits 0', (command, flag) => {
    const r = run(command, flag);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`Usage:\n${COMMANDS[command].usage}\n`);
  });

  test('--help lists every command', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    for (const c of Object.keys(COMMANDS)) expect(r.stdout).toContain(`capi-constructs ${c}`);
  });

  test('an unknown add-on is worded the same by every command that takes one', () => {
    const cleanup = run('addon-cleanup', '--cluster', 'prod', '--namespace', 'tenants', '--addon', 'grafana');
    const ports = run('addon-ports', '--addon', 'grafana');
    expect(cleanup.code).toBe(2);
    expect(ports.code).toBe(2);
    expect(cleanup.stderr).toMatch(/--addon: "grafana" is not an add-on in the catalog/);
    expect(ports.stderr).toBe(cleanup.stderr);
  });

  test('addon-cleanup says which namespace it assumed when --namespace is left out', () => {
    const r = run('addon-cleanup', '--cluster', 'prod', '--addon', 'jupyterhub');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('capi-constructs: --namespace not given: assuming the cluster is in namespace "default"\n');
    expect(run('addon-cleanup', '--cluster', 'prod', '--addon', 'jupyterhub', '--namespace', 'tenants').stderr).toBe('');
  });
});
