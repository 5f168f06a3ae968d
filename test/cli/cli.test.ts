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
    expect(cleanup.code).toBe(64);
    expect(ports.code).toBe(64);
    expect(cleanup.stderr).toMatch(/--addon: "grafana" is not an add-on in the catalog/);
    expect(ports.stderr.replace('addon-ports', 'addon-cleanup')).toBe(cleanup.stderr);
  });

  test('addon-cleanup says which namespace it assumed when --namespace is left out', () => {
    const r = run('addon-cleanup', '--cluster', 'prod', '--addon', 'jupyterhub');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('capi-constructs: --namespace not given: assuming the cluster is in namespace "default"\n');
    expect(run('addon-cleanup', '--cluster', 'prod', '--addon', 'jupyterhub', '--namespace', 'tenants').stderr).toBe('');
  });

  test.each([['help', 'plan'], ['plan', '--help'], ['plan', '-h']])('help works by every spelling: %s %s', (a, b) => {
    expect(run(a, b)).toEqual({ code: 0, stdout: `Usage:\n${COMMANDS.plan.usage}\n`, stderr: '' });
  });

  test('-v is --version', () => {
    expect(run('-v')).toEqual(run('--version'));
  });

  test('a misspelled command gets "did you mean", in one line, exit 64', () => {
    expect(run('pln')).toEqual({ code: 64, stdout: '', stderr: 'capi-constructs: unknown command "pln"; did you mean "plan"? (usage: capi-constructs help)\n' });
    expect(run('help', 'sreve').stderr).toContain('did you mean "serve"?');
    expect(run('zzzzzz').stderr).toBe('capi-constructs: unknown command "zzzzzz" (usage: capi-constructs help)\n');
  });

  test('node usage errors are one line pointing to the usage, exit 64, as every command\'s', () => {
    const r = run('node', 'reboot', 'w-1');
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('capi-constructs node: node: action must be one of cordon, uncordon, drain, delete, exclude-from-autoscaling, include-in-autoscaling, show, list, label, annotate, got "reboot" (usage: capi-constructs node --help)\n');
  });

  test('help exit-codes prints the one table, and every command\'s exit constants come from it', () => {
    const r = run('help', 'exit-codes');
    expect(r.code).toBe(0);
    const { EXIT } = require('../../lib/cli/args');
    const { NODE_EXIT } = require('../../lib/cli/node');
    const { PLAN_EXIT } = require('../../lib/cli/plan');
    const table = Object.values(EXIT) as number[];
    for (const code of [...Object.values(NODE_EXIT), ...Object.values(PLAN_EXIT)] as number[]) expect(table).toContain(code);
    for (const code of table) expect(r.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    expect(new Set(table).size).toBe(table.length);
  });
});
