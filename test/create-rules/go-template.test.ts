/** The Go text/template subset CAPV's naming templates use. Expected outputs are what Go's text/template with sprig's trunc/trimSuffix prints. */
import { evaluateGoTemplate, SPRIG_NAME_FUNCTIONS } from '../../lib/core/rules/go-template';

const run = (t: string) => evaluateGoTemplate(t, { machine: { name: 'md-0-abcde' } }, SPRIG_NAME_FUNCTIONS);

test.each([
  ['{{ .machine.name }}', 'md-0-abcde'],
  ['{{.machine.name}}-vm', 'md-0-abcde-vm'],
  ['{{ trunc 4 .machine.name }}', 'md-0'],
  ['{{ trunc -5 .machine.name }}', 'abcde'],
  ['{{ trunc 50 .machine.name }}', 'md-0-abcde'],
  ['{{ .machine.name | trunc 4 }}', 'md-0'],
  ['{{ trimSuffix "-abcde" .machine.name }}', 'md-0'],
  ['{{ .machine.name | trimSuffix "x" }}', 'md-0-abcde'],
  ['{{ (trunc 4 .machine.name) | trimSuffix "-0" }}x', 'mdx'],
  ['a {{- .machine.name -}} b', 'amd-0-abcdeb'],
  ['{{/* a comment */}}{{ `raw` }}', 'raw'],
])('%s renders %j', (t, out) => {
  expect(run(t)).toEqual({ kind: 'ok', output: out });
});

test.each([
  ['{{ .random }}', 'map has no entry for key "random"'],
  ['{{ .machine.uid }}', 'map has no entry for key "uid"'],
  ['{{ .machine.name.x }}', "can't evaluate field x in type string"],
  ['{{ upper .machine.name }}', 'function "upper" not defined'],
  ['{{ trunc "4" .machine.name }}', 'wrong type for value; expected int; got string (argument 1 of trunc)'],
  ['{{ trunc 4 }}', 'wrong number of args for trunc: want 2 got 1'],
  ['{{ .machine.name', 'unclosed action'],
  ['{{ }}', 'missing value for command'],
  ['{{ "unterminated }}', 'unterminated quoted string'],
])('%s fails: %s', (t, message) => {
  expect(run(t)).toEqual({ kind: 'error', message });
});

test.each(['{{ if .machine.name }}x{{ end }}', '{{ $x := .machine.name }}', '{{ printf "%s" .machine.name }}'])('%s is outside the subset', (t) => {
  expect(run(t).kind).toBe('unsupported');
});
