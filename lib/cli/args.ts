/** Argument parsing shared by every `capi-constructs` subcommand. */

/** Where the CLI writes (process.stdout / process.stderr, or a test double). */
export interface Output {
  write(s: string): unknown;
}

/**
 * The exit codes of every `capi-constructs` command: one table (docs/cli.md). A command uses the rows
 * that apply to it; no command gives one of these codes another meaning.
 */
export const EXIT = {
  /** Done; for `plan`: nothing rejected. */
  ok: 0,
  /** The Kubernetes API failed or could not be reached, or the server could not start (port in use). */
  failed: 1,
  /** `plan`: the next apply would be rejected. */
  rejected: 2,
  /** A rule refused: `node` wrote nothing; `plan --fail-on rolls` found rollouts, `--fail-on upgrade-order` worker upgrades out of order. */
  refused: 3,
  /** `node`: the node, its Machine (or infrastructure machine) or the cluster's kubeconfig Secret does not exist. */
  notFound: 4,
  /** `node drain`: timed out; the node stays cordoned. */
  drainTimeout: 5,
  /** Usage error: unknown command or option, missing or invalid argument, unreadable or invalid input file (EX_USAGE). */
  usage: 64,
  /** Missing or unusable configuration: no kubeconfig or an invalid one, unreadable TLS files, a missing optional package (EX_CONFIG). */
  config: 78,
} as const;

/** A wrong invocation: one line naming the problem, exit code {@link EXIT}.usage. */
export class UsageError extends Error {}

/** Missing or unusable configuration (kubeconfig, TLS files, optional packages): one line, exit code {@link EXIT}.config. */
export class ConfigError extends Error {}

/** The closest of `candidates` to `word` (edit distance at most 2, or a prefix either way), for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = word.length >= 2 && (c.startsWith(word) || word.startsWith(c)) ? 1 : distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (the words are command names: short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

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
