/**
 * The credential scan of emitted objects skips work it can prove useless: a secretlint rule runs only
 * on text holding its trigger (lib/core/rules/secretlint-triggers.ts), the library's formats only on
 * text holding the characters or words they need, the assignments only when a secret word is present,
 * and each string is scanned once while the memo holds it. These properties check that the fast scan
 * finds exactly what the full scan (every rule and every format on the whole text) finds, on the
 * probes, on a sample of what each rule reports, on generated text around them, and on what a render
 * emits.
 */
import fc from 'fast-check';
import { gzipSync } from 'zlib';
import { base64Runs, emittedStringProblem, emittedStringProblemFull, hasBootstrapToken } from '../../lib/core/rules/credentials';
import { secretlintFindings, secretlintRuleIds, secretlintTriggersApply } from '../../lib/core/rules/secretlint';
import { PRESET_VERSION, RULE_TRIGGERS } from '../../lib/core/rules/secretlint-triggers';
import { renderClusterSpec } from '../../lib/core/fleet/render';
import { ClusterSpec, CustomMachineTemplate, OpenStackMachineTemplate } from '../../lib';
import { b64, PROBES } from '../support/credential-probes';
import { TEST_INFRA } from '../support/infrastructure';

const alnum = (n: number, seed = 7): string => {
  const chars = 'aB3dE5gH7jK9mN1pQ2sT4vW6yZ8cF0';
  let out = '';
  for (let i = 0; i < n; i++) out += chars[(i * seed + n) % chars.length];
  return out;
};
const pemBody = `MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun${alnum(80)}`;
const PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----\n${pemBody}\n-----END PRIVATE KEY-----\n`;
const gcpJson = JSON.stringify({ type: 'service_account', project_id: 'p', private_key_id: 'abc123', private_key: PRIVATE_KEY });
/** 1Password service-account token: `ops_` and base64 of a JSON object whose encoding ends in `fQ`. */
const opsToken = (() => {
  let json = JSON.stringify({ email: 'x@example.lcl', muk: { alg: 'A256GCM', k: alnum(43) }, secretKey: alnum(30), srpX: alnum(40) });
  while (json.length % 3 !== 1) json = json.replace('{', '{ ');
  return `ops_${b64(json)}`;
})();

/** For each rule of the preset, texts the rule reports on when it runs on them alone: every prefix and form its patterns know. */
const RULE_SAMPLES: Readonly<Record<string, readonly string[]>> = {
  '@secretlint/secretlint-rule-aws': [
    ...['A3TX', 'AKIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ASIA'].map((p) => `${p}Z3MSJV4WJUDVCRSL`),
    ...['aws_secret_access_key', 'SECRET_ACCESS_KEY', '"AwsSecretAccessKey"', 'secretAccess_Key'].map((k) => `${k} = ${alnum(40)}`),
  ],
  '@secretlint/secretlint-rule-gcp': [gcpJson, gcpJson.replace('"private_key_id"', '"\\u0070rivate_key_id"').replace('"private_key"', '"privat\\u0065_key"')],
  '@secretlint/secretlint-rule-privatekey': [PRIVATE_KEY, ...['RSA', 'DSA', 'EC', 'OPENSSH', 'PGP'].map((k) => PRIVATE_KEY.replace(/PRIVATE KEY/g, `${k} PRIVATE KEY`))],
  '@secretlint/secretlint-rule-npm': [`npm_${alnum(36)}`, `https://${alnum(12)}:x-oauth-basic@github.com/org/repo`],
  '@secretlint/secretlint-rule-basicauth': ['https://deploy:hunter2@vc.example.com/sdk', 'ftp://mirror:Zq8X2rM7@files.example.org', 'ftps://m-1:Zq8X2rM7@files.example.org', 'http://u_1:Zq8X2rM7@10.0.0.1.nip.io'],
  '@secretlint/secretlint-rule-slack': [
    ...['xoxb', 'xoxp', 'xapp', 'xoxa', 'xoxo', 'xoxr'].map((p) => `${p}-2-263594206564-FGqddMF8t08v8N7Oq4i57vs1`),
    `https://hooks.slack.com/services/T${alnum(8)}/B${alnum(8)}/${alnum(24)}`, `HTTPS://HOOKS.SLACK.COM/SERVICES/T${alnum(8)}/B${alnum(8)}/${alnum(24)}`,
  ],
  '@secretlint/secretlint-rule-sendgrid': [`SG.${alnum(22)}.${alnum(43, 11)}`],
  '@secretlint/secretlint-rule-shopify': ['shppa', 'shpca', 'shpat', 'shpss'].map((p) => `${p}_${alnum(32)}`),
  '@secretlint/secretlint-rule-github': [...['ghp', 'gho', 'ghu', 'ghs', 'ghr'].map((p) => `${p}_${alnum(36)}`), `github_pat_${alnum(82)}`],
  '@secretlint/secretlint-rule-openai': [`sk-${alnum(20)}T3BlbkFJ${alnum(20, 11)}`, ...['proj', 'svcacct', 'admin'].map((p) => `sk-${p}-${alnum(74)}T3BlbkFJ${alnum(58, 11)}`)],
  '@secretlint/secretlint-rule-anthropic': [`sk-ant-api03-${alnum(95)}AA`, `sk-ant-api07-${alnum(120)}AA`],
  '@secretlint/secretlint-rule-linear': [`lin_api_${alnum(40)}`],
  '@secretlint/secretlint-rule-1password': [opsToken],
  '@secretlint/secretlint-rule-database-connection-string': [
    'postgres://app:s3cret-pw@db.example.com:5432/app', 'postgresql://app:Zq8X2rM7@db/app', 'MONGODB+SRV://svc:Zq8X2rM7@cluster0.example.net/db',
    'mongodb://svc:Zq8X2rM7@db', 'jdbc:MySQL://svc:Zq8X2rM7@db.example.com/app', 'mysqlx://svc:Zq8X2rM7@db',
  ],
};

/** `key = value`, `key: value` and `--key value` with every secret word the assignments know, spelled in several ways. */
const ASSIGNMENT_SAMPLES = [
  'db_pass-word: Zq8X2rM7', 'PASSWD=Zq8X2rM7', 'admin.pwd = Zq8X2rM7', 'gpg_passphrase: Zq8X2rM7', '--client-secret Zq8X2rM7', 'Api_Token=Zq8X2rM7',
  'x-api.key: Zq8X2rM7', '"PrivateKey": "Zq8X2rM7"', 'secret_key=Zq8X2rM7', 'S3_ACCESS-KEY = Zq8X2rM7', 'to-ken=Zq8X2rM7', 'PaSsWoRd=Zq8X2rM7',
];

/** Texts near the triggers that are no credential, and the triggers themselves. */
const NEAR_MISSES = [
  ...Object.values(RULE_TRIGGERS).map((t) => t.source.replace(/\\/g, '')),
  'AKIA', 'access_key: x', 'https://', 'xoxb-', 'SG.', 'shpat_', 'ghp_', 'sk-ant-api03-', 'lin_api_', 'ops_ey', 'npm_', '-----BEGIN ',
  'password = ${PASSWORD}', '--token=$TOKEN', 'pass_word=', 'P-A-S-S-W-O-R-D: hunter2', 'api.key=x', 'abcdef.0123456789abcdef', 'abcdef.0123456789abcdefg',
  'kind: Config', 'clouds:', 'auths:', 'eyJ', 'Bearer ', 'Basic ', 'PuTTY-User-Key-File-3:', 'Private-Lines: 1',
  // found by this test: the earlier scan looked for client-key-data only in text with a colon
  '\n    client-key-datah', 'client-certificate-data LS0tLS1CRUdJTg==',
];

const CORPUS: readonly string[] = [...Object.values(PROBES), ...Object.values(RULE_SAMPLES).flat(), ...ASSIGNMENT_SAMPLES, ...NEAR_MISSES];

/** Generated text: pieces of the corpus, changed a little, with random text and separators around them. */
const SEPARATORS = ['', ' ', '\n', '=', ': ', '"', "'", '/', '@', '.', '-', '_', '{', '}', ',', '\t', '--'];
const piece: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...CORPUS), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom(...CORPUS), fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 3 })).map(([s, at, cut, insert]) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + insert + s.slice(Math.min(s.length, i + cut));
  }), weight: 3 },
  { arbitrary: fc.tuple(fc.constantFrom(...CORPUS), fc.nat(), fc.nat()).map(([s, a, b]) => s.slice(Math.min(a, b) % (s.length + 1), Math.max(a, b) % (s.length + 1) + 1)), weight: 2 },
  { arbitrary: fc.constantFrom(...CORPUS).map((s) => (s.length % 2 ? s.toUpperCase() : s.toLowerCase())), weight: 1 },
  { arbitrary: fc.constantFrom(...CORPUS).map((s) => b64(s)), weight: 1 },
  { arbitrary: fc.constantFrom(...CORPUS).map((s) => gzipSync(s).toString('base64')), weight: 1 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...'aAkKsStTpP09_-.:/@= \n{}"\'+$'), maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
);
const text: fc.Arbitrary<string> = fc.array(fc.tuple(fc.constantFrom(...SEPARATORS), piece), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.map(([sep, p]) => sep + p).join(''));

describe('the triggers of secretlint\'s rules', () => {
  it(`hold for the installed preset (${PRESET_VERSION}): every rule the scan runs has one, and text without any skips the rules`, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('@secretlint/secretlint-rule-preset-recommend/package.json').version).toBe(PRESET_VERSION);
    expect(Object.keys(RULE_TRIGGERS).sort()).toEqual([...secretlintRuleIds()].sort());
    expect(secretlintTriggersApply()).toBe(true);
  });

  it('every rule reports on its samples, and only when its trigger is present', () => {
    for (const [rule, samples] of Object.entries(RULE_SAMPLES)) {
      for (const s of samples) {
        expect([rule, s, secretlintFindings(s, { triggers: false }).some((f) => f.ruleId === rule)]).toEqual([rule, s, true]);
        expect([rule, s, RULE_TRIGGERS[rule].test(s)]).toEqual([rule, s, true]);
      }
    }
  });

  it('with and without the triggers the rules find the same, rule by rule, on the corpus', () => {
    for (const s of CORPUS) expect([s, secretlintFindings(s, { triggers: true })]).toEqual([s, secretlintFindings(s, { triggers: false })]);
  });

  it('with and without the triggers the rules find the same, rule by rule, on generated text', () => {
    let found = 0;
    fc.assert(fc.property(text, (s) => {
      const full = secretlintFindings(s, { triggers: false });
      if (full.length > 0) found++;
      expect(secretlintFindings(s, { triggers: true })).toEqual(full);
    }), { numRuns: 1500 });
    // the generated texts hold credentials often enough for the comparison to mean something
    expect(found).toBeGreaterThan(100);
  });
});

describe('the fast scan of an emitted string finds what the full scan finds', () => {
  it('on every probe, rule sample and near miss', () => {
    for (const s of CORPUS) expect([s, emittedStringProblem(s)]).toEqual([s, emittedStringProblemFull(s)]);
    for (const s of [...Object.values(PROBES), ...Object.values(RULE_SAMPLES).flat(), ...ASSIGNMENT_SAMPLES]) {
      expect([s, emittedStringProblem(s)]).toEqual([s, expect.stringMatching(/in a Secret/)]);
    }
  });

  it('on generated text', () => {
    let found = 0;
    fc.assert(fc.property(text, (s) => {
      const full = emittedStringProblemFull(s);
      if (full !== undefined) found++;
      expect(emittedStringProblem(s)).toBe(full);
      // asked again, from the memo
      expect(emittedStringProblem(s)).toBe(full);
    }), { numRuns: 1500 });
    expect(found).toBeGreaterThan(300);
  });

  it('on every string a cluster emits', () => {
    const machineTemplate = new OpenStackMachineTemplate({ flavor: 'm1.large', image: 'ubuntu-2404-kube-v1.31.4', sshKeyName: 'ops' });
    const spec: ClusterSpec = {
      cluster: { name: 'prod-fra', namespace: 'fleet', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: TEST_INFRA },
      controlPlane: { replicas: 3, machineTemplate: new CustomMachineTemplate({ kind: 'DockerMachineTemplate', version: 'v1beta2', spec: { customImage: 'kindest/node:v1.31.4' } }) },
      workers: [{ name: 'general', machineTemplate, scaling: { min: 1, max: 5 } }],
    };
    const strings: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) collect(x);
    };
    for (const part of renderClusterSpec(spec).parts) collect(part.manifests);
    expect(strings.length).toBeGreaterThan(100);
    for (const s of strings) expect([s, emittedStringProblem(s)]).toEqual([s, emittedStringProblemFull(s)]);
  });
});

describe('the two rewritten searches match their regular expressions', () => {
  const tokenText = fc.string({ unit: fc.constantFrom(...'abz09._A-'), maxLength: 30, size: 'max' });

  it('hasBootstrapToken is /\\b[a-z0-9]{6}\\.[a-z0-9]{16}\\b/', () => {
    const re = /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/;
    for (const s of ['abcdef.0123456789abcdef', 'xabcdef.0123456789abcdef', '_abcdef.0123456789abcdef', '-abcdef.0123456789abcdef-', 'abcdef.0123456789abcdef0', 'join abcdef.0123456789abcdef --x']) {
      expect([s, hasBootstrapToken(s)]).toEqual([s, re.test(s)]);
    }
    let found = 0;
    const edge = fc.constantFrom('', ' ', '-', '.', '_', 'x', 'A');
    fc.assert(fc.property(fc.tuple(tokenText, edge, fc.constantFrom('', 'abcdef.0123456789abcdef', 'a0b1c2.a0b1c2a0b1c2a0b1', 'abcde.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef.0123456789abcdefg'), edge, tokenText), ([a, before, token, after, b]) => {
      const s = a + before + token + after + b;
      if (re.test(s)) found++;
      expect(hasBootstrapToken(s)).toBe(re.test(s));
    }), { numRuns: 2000 });
    expect(found).toBeGreaterThan(100);
  });

  it('base64Runs yields the runs of /[A-Za-z0-9+\\/=_-]{24,}/ that mix upper and lower case', () => {
    const reference = (s: string) => (s.match(/[A-Za-z0-9+/=_-]{24,}/g) ?? []).filter((r) => /[A-Z]/.test(r) && /[a-z]/.test(r));
    let found = 0;
    const unit = fc.oneof({ arbitrary: fc.constantFrom(...'abcZ0+/=_-'), weight: 20 }, { arbitrary: fc.constantFrom('.', ' ', '\n', 'é', 'Ω'), weight: 1 });
    fc.assert(fc.property(fc.string({ unit, maxLength: 120, size: 'max' }), (s) => {
      const runs = [...base64Runs(s)];
      if (runs.length > 0) found++;
      expect(runs).toEqual(reference(s));
    }), { numRuns: 2000 });
    expect(found).toBeGreaterThan(100);
  });
});

describe('the scan stays linear and cheap', () => {
  /** Calls of RegExp.prototype.exec (what String.prototype.match, matchAll and RegExp#test use as well) while `f` runs. */
  function countRegExpExec<T>(f: () => T): { result: T; calls: number } {
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const exec = RegExp.prototype.exec;
    let calls = 0;
    RegExp.prototype.exec = function (this: RegExp, s: string) {
      calls++;
      return exec.call(this, s);
    };
    try {
      return { result: f(), calls };
    } finally {
      RegExp.prototype.exec = exec;
    }
  }

  it('1 MB of `a=b a=b …` (no secret word): the assignments are not matched one by one', () => {
    const s = 'a=b '.repeat(256 * 1024);
    const { result, calls } = countRegExpExec(() => emittedStringProblem(s));
    expect(result).toBeUndefined();
    expect(calls).toBeLessThan(100);
  });

  it('a string scanned once is not scanned again while the memo holds it', () => {
    const s = `--config=/etc/app/${'x'.repeat(40)}.yaml https://charts.example.com/stable`;
    expect(emittedStringProblem(s)).toBeUndefined();
    expect(countRegExpExec(() => emittedStringProblem(s)).calls).toBe(0);
  });
});
