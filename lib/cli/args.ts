/** Argument parsing shared by every `capi-constructs` subcommand. */

/** Where the CLI writes (process.stdout / process.stderr, or a test double). */
export interface Output {
  write(s: string): unknown;
}

/** A wrong invocation: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Parses `--key value` / `--key=value` options. `allowed` lists the options that take a value,
 * `switches` those that take none (their value is `'true'`).
 */
export function parseFlags(args: readonly string[], allowed: readonly string[], switches: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const known = [...allowed, ...switches];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const [, key, inline] = m;
    if (!known.includes(key)) throw new UsageError(`unknown option --${key} (allowed: ${known.map((a) => `--${a}`).join(', ')})`);
    if (key in out) throw new UsageError(`option --${key} given twice`);
    if (switches.includes(key)) {
      if (inline !== undefined) throw new UsageError(`option --${key} takes no value`);
      out[key] = 'true';
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`option --${key} needs a value`);
    out[key] = value;
  }
  return out;
}

/** One subcommand: its usage text and its implementation (returns the exit code). */
export interface Command {
  /** Usage lines, indented description below them. */
  readonly usage: string;
  run(args: readonly string[], out: Output, err: Output): number | Promise<number>;
}
