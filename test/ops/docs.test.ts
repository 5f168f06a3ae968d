/**
 * docs/operations.md shows real output: its console blocks, joined in order, are exactly the session
 * test/ops/transcript.ts runs against the kube-fakes.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { transcript } from './transcript';

test('docs/operations.md carries the CLI session exactly as the CLI prints it', async () => {
  const doc = readFileSync(join(__dirname, '../../docs/operations.md'), 'utf8');
  const blocks = [...doc.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThan(5);
  expect(blocks.join('\n')).toBe(await transcript());
}, 30_000);
