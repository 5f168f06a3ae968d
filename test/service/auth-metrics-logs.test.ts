import { Writable } from 'stream';
import Fastify from 'fastify';
import { addonNames } from '../../lib/core/addons';
import { loggerOptions } from '../../lib/service/logging';
import { addonsPath, Harness, objectWrites, NAMESPACE, startHarness, TOKENS } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.seedCluster('m1');
  h.seedCluster('m2', 'v1.27.3');
});
afterAll(async () => h.close());

/** Parses the Prometheus text format into samples. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').match(/[a-zA-Z_]+="(?:[^"\\]|\\.)*"/g) ?? []) {
      const i = l.indexOf('=');
      labels[l.slice(0, i)] = JSON.parse(l.slice(i + 1));
    }
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

describe('authentication and authorization through the management cluster', () => {
  it('answers 401 without a token, with a malformed header, and for a token the TokenReview rejects', async () => {
    const none = await h.api('POST', addonsPath('m1'), { token: null, body: { addon: 'jupyterhub' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body.error).toBe('unauthenticated');
    const basic = await h.api('GET', addonsPath('m1'), { token: null, headers: { authorization: 'Basic YWxpY2U6cHc=' } });
    expect(basic.status).toBe(401);
    const wrong = await h.api('GET', addonsPath('m1'), { token: 'not-a-known-token' });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'unauthenticated', message: 'the bearer token was not accepted by the management cluster' } });
  });

  it('authorizes each operation with SubjectAccessReviews on the Cluster namespace for the caller (403 otherwise)', async () => {
    h.fake.reset();
    const install = await h.api('POST', addonsPath('m1'), { token: TOKENS.victor, body: { addon: 'jupyterhub' } });
    expect(install.status).toBe(403);
    expect(install.body).toEqual({ error: 'forbidden', message: expect.stringMatching(/^user "victor" may not create helmreleases\.helm\.toolkit\.fluxcd\.io, create helmrepositories/) });
    const reviews = h.fake.requests.filter((r) => r.path.endsWith('/subjectaccessreviews')).map((r: any) => r.body.spec);
    expect(reviews).toContainEqual(expect.objectContaining({
      user: 'victor', resourceAttributes: { namespace: NAMESPACE, verb: 'create', group: 'helm.toolkit.fluxcd.io', resource: 'helmreleases' },
    }));
    expect(objectWrites(h.fake).filter((w) => !/reviews$/.test(w.path))).toEqual([]);

    // alice may install; victor may read the status but not uninstall; mallory nothing
    expect((await h.api('POST', addonsPath('m1'), { body: { addon: 'jupyterhub' } })).status).toBe(202);
    expect((await h.api('GET', addonsPath('m1', 'jupyterhub'), { token: TOKENS.victor })).status).toBe(200);
    const del = await h.api('DELETE', addonsPath('m1', 'jupyterhub'), { token: TOKENS.victor });
    expect(del.status).toBe(403);
    expect(del.body.message).toMatch(/^user "victor" may not delete helmreleases\.helm\.toolkit\.fluxcd\.io, /);
    // uninstall deletes the workload namespace through the cluster's kubeconfig Secret: the caller must be able to read it
    const dora = await h.api('DELETE', addonsPath('m1', 'jupyterhub'), { token: TOKENS.dora });
    expect(dora.body).toEqual({ error: 'forbidden', message: 'user "dora" may not get secrets "m1-kubeconfig" in namespace "team-a"' });
    expect((await h.api('GET', addonsPath('m1', 'jupyterhub'), { token: TOKENS.mallory })).status).toBe(403);
    // alice has no rights in another namespace
    expect((await h.api('GET', addonsPath('m1', 'jupyterhub', 'team-b'))).status).toBe(403);
    // the user's groups and uid go into the review, so group bindings count
    const aliceReview = h.fake.requests.filter((r) => r.path.endsWith('/subjectaccessreviews')).map((r: any) => r.body.spec).find((s) => s.user === 'alice');
    expect(aliceReview).toMatchObject({ uid: 'u-alice', groups: ['team-a-admins', 'system:authenticated'] });
  });
});

describe('per-cluster authorization of status', () => {
  it('a user whose rights name only cluster old reads old\'s status, not m1\'s', async () => {
    expect((await h.api('POST', addonsPath('m1'), { body: { addon: 'kuberay' } })).status).toBe(202);
    const other = await h.api('GET', addonsPath('m1', 'kuberay'), { token: TOKENS.olga });
    expect(other).toMatchObject({ status: 403, body: { error: 'forbidden', message: 'user "olga" may not get clusters.cluster.x-k8s.io "m1" in namespace "team-a"' } });
    expect((await h.api('GET', addonsPath('m1'), { token: TOKENS.olga })).status).toBe(403);
    h.seedCluster('old');
    expect((await h.api('GET', addonsPath('old', 'kuberay'), { token: TOKENS.olga })).status).toBe(404);
  });
});

describe('failed authentication', () => {
  it('is rate-limited per client: a burst of 60 bad tokens makes no more TokenReviews than the burst allows, the rest 429', async () => {
    const r = await startHarness({ service: { failedAuthentications: { burst: 5, perMinute: 6 } } });
    try {
      r.seedCluster('q1');
      // a known token, used before the burst, keeps working from its cache
      expect((await r.api('GET', addonsPath('q1'))).status).toBe(200);
      r.fake.reset();
      const answers = await Promise.all(Array.from({ length: 60 }, (_v, i) => r.api('GET', addonsPath('q1'), { token: `bad-token-${i}` })));
      const reviews = r.fake.requests.filter((x) => x.path.endsWith('/tokenreviews')).length;
      expect(reviews).toBeLessThanOrEqual(5 + 1);
      expect(answers.filter((a) => a.status === 401).length).toBe(reviews);
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBe(60 - reviews);
      expect(limited[0].body).toEqual({ error: 'rate-limited', message: expect.stringMatching(/^too many failed authentications from this client: retry in \d+s$/) });
      expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await r.api('GET', addonsPath('q1'))).status).toBe(200);
    } finally {
      await r.close();
    }
  });
});

describe('concurrent requests with a token the service does not know yet', () => {
  it('share one TokenReview: a burst of 40 from one client with a valid new token is never rate-limited', async () => {
    // found against a real API server (bench:addon-api, 32 clients): while the first TokenReviews were in
    // flight, the later requests with the same valid token each took a try from the failed-authentication
    // bucket and were answered 429
    const r = await startHarness({ service: { failedAuthentications: { burst: 5, perMinute: 6 } } });
    try {
      r.seedCluster('q2');
      r.fake.reset();
      const answers = await Promise.all(Array.from({ length: 40 }, () => r.api('GET', addonsPath('q2'))));
      expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200));
      expect(r.fake.requests.filter((x) => x.path.endsWith('/tokenreviews')).length).toBe(1);
      // a rejected token shared by concurrent requests is one failure: one TokenReview, all 401
      r.fake.reset();
      const bad = await Promise.all(Array.from({ length: 20 }, () => r.api('GET', addonsPath('q2'), { token: 'bad-shared-token' })));
      expect(bad.map((a) => a.status)).toEqual(Array(20).fill(401));
      expect(r.fake.requests.filter((x) => x.path.endsWith('/tokenreviews')).length).toBe(1);
    } finally {
      await r.close();
    }
  });
});

describe('review cache', () => {
  it('remembers an accepted token and allowed permissions for the TTL, never a rejection or denial', async () => {
    const reviews = () => h.fake.requests.filter((r) => /(tokenreviews|subjectaccessreviews)$/.test(r.path)).length;
    await h.api('GET', addonsPath('m1', 'kuberay'), { token: TOKENS.dora });
    let n = reviews();
    await h.api('GET', addonsPath('m1', 'kuberay'), { token: TOKENS.dora });
    expect(reviews() - n).toBe(0);
    await h.api('DELETE', addonsPath('m1', 'kuberay'), { token: TOKENS.victor });
    n = reviews();
    expect((await h.api('DELETE', addonsPath('m1', 'kuberay'), { token: TOKENS.victor })).status).toBe(403);
    expect(reviews() - n).toBeGreaterThan(0); // denials are asked again
    n = reviews();
    expect((await h.api('GET', addonsPath('m1'), { token: 'unknown-token-1' })).status).toBe(401);
    expect((await h.api('GET', addonsPath('m1'), { token: 'unknown-token-1' })).status).toBe(401);
    expect(reviews() - n).toBe(2);
  });
});

describe('metrics', () => {
  it('exposes the three families with the seed\'s names and labels, counting a scripted sequence exactly', async () => {
    const before = samples((await h.api('GET', '/metrics', { token: null })).text);
    const count = (s: ReturnType<typeof samples>, name: string, labels: Record<string, string>) =>
      s.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v)).reduce((a, x) => a + x.value, 0);

    await h.api('POST', addonsPath('m2'), { body: { addon: 'kuberay' } }); // 400 constraint
    await h.api('POST', addonsPath('m2'), { body: { addon: 'kuberay', parameters: { nope: 1 } } }); // 400
    await h.api('POST', addonsPath('gone'), { body: { addon: 'kuberay' } }); // 404
    await h.api('POST', addonsPath('m1'), { body: { addon: 'kuberay' } }); // 202
    await h.api('POST', addonsPath('m1'), { body: { addon: 'kuberay' } }); // 202 idempotent
    await h.api('GET', addonsPath('m1', 'kuberay')); // 200
    await h.api('GET', addonsPath('m1')); // 200
    await h.api('GET', addonsPath('m1'), { token: null }); // 401
    await h.api('DELETE', addonsPath('m1', 'kuberay'), { token: TOKENS.victor }); // 403
    h.fake.failNext({ method: 'GET', path: /helmreleases/, status: 500, message: 'boom' });
    await h.api('GET', addonsPath('m1', 'kuberay')); // 502

    const res = await h.api('GET', '/metrics', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const after = samples(res.text);
    const delta = (name: string, labels: Record<string, string>) => count(after, name, labels) - count(before, name, labels);

    expect(res.text).toContain('# TYPE iaas_addon_api_duration_seconds histogram');
    expect(res.text).toContain('# TYPE iaas_addon_api_total counter');
    expect(res.text).toContain('# TYPE iaas_addon_api_errors_total counter');
    const names = new Set(after.map((s) => s.name));
    expect([...names].sort()).toEqual([
      'iaas_addon_api_duration_seconds_bucket', 'iaas_addon_api_duration_seconds_count', 'iaas_addon_api_duration_seconds_sum',
      'iaas_addon_api_errors_total', 'iaas_addon_api_total',
    ]);
    for (const s of after.filter((x) => x.name === 'iaas_addon_api_total')) expect(Object.keys(s.labels).sort()).toEqual(['operation', 'status']);
    for (const s of after.filter((x) => x.name === 'iaas_addon_api_errors_total')) expect(Object.keys(s.labels)).toEqual(['error_type']);

    expect(delta('iaas_addon_api_total', { operation: 'install', status: '400' })).toBe(2);
    expect(delta('iaas_addon_api_total', { operation: 'install', status: '404' })).toBe(1);
    expect(delta('iaas_addon_api_total', { operation: 'install', status: '202' })).toBe(2);
    expect(delta('iaas_addon_api_total', { operation: 'status', status: '200' })).toBe(1);
    expect(delta('iaas_addon_api_total', { operation: 'status', status: '502' })).toBe(1);
    expect(delta('iaas_addon_api_total', { operation: 'list', status: '200' })).toBe(1);
    expect(delta('iaas_addon_api_total', { operation: 'list', status: '401' })).toBe(1);
    expect(delta('iaas_addon_api_total', { operation: 'uninstall', status: '403' })).toBe(1);
    expect(delta('iaas_addon_api_duration_seconds_count', { operation: 'install', status: '202' })).toBe(2);
    expect(delta('iaas_addon_api_duration_seconds_bucket', { operation: 'install', status: '202', le: '+Inf' })).toBe(2);
    expect(delta('iaas_addon_api_errors_total', { error_type: 'validation-error' })).toBe(2);
    expect(delta('iaas_addon_api_errors_total', { error_type: 'not-found' })).toBe(1);
    expect(delta('iaas_addon_api_errors_total', { error_type: 'unauthenticated' })).toBe(1);
    expect(delta('iaas_addon_api_errors_total', { error_type: 'forbidden' })).toBe(1);
    expect(delta('iaas_addon_api_errors_total', { error_type: 'k8s-api-error' })).toBe(1);
    // metrics, health and readiness are not add-on operations
    expect(after.some((s) => s.labels.operation === undefined && s.name === 'iaas_addon_api_total')).toBe(false);
  });
});

describe('structured logs', () => {
  it('writes one JSON line per operation with request id, cluster and add-on ids, operation and outcome; the X-Request-Id is kept or generated', async () => {
    const start = h.logs.length;
    const kept = await h.api('POST', addonsPath('m1'), { body: { addon: 'jupyterhub' }, headers: { 'x-request-id': 'req-42-abc' } });
    expect(kept.headers.get('x-request-id')).toBe('req-42-abc');
    const made = await h.api('GET', addonsPath('m1', 'jupyterhub'), { headers: { 'x-request-id': 'has spaces\tand tabs' } });
    const madeId = made.headers.get('x-request-id')!;
    expect(madeId).toMatch(/^[0-9a-f-]{36}$/);
    await h.api('GET', addonsPath('m1', 'jupyterhub'), { token: null, headers: { 'x-request-id': 'req-unauth' } });

    const lines = h.logs.slice(start).filter((l) => l.operation !== undefined);
    expect(lines).toHaveLength(3);
    const id = addonNames({ name: 'm1', namespace: NAMESPACE }, 'jupyterhub').release;
    expect(lines[0]).toMatchObject({
      level: 30, requestId: 'req-42-abc', operation: 'install', clusterId: `${NAMESPACE}/m1`, addon: 'jupyterhub', addonId: id,
      outcome: 'success', statusCode: 202, durationMs: expect.any(Number), user: 'alice', msg: 'install succeeded',
    });
    expect(lines[1]).toMatchObject({ requestId: madeId, operation: 'status', outcome: 'success', statusCode: 200 });
    expect(lines[2]).toMatchObject({ level: 40, requestId: 'req-unauth', operation: 'status', outcome: 'failure', statusCode: 401, errorType: 'unauthenticated' });
  });

  it('never writes a token or kubeconfig content, even for failed and unauthenticated requests', async () => {
    await h.api('GET', addonsPath('m1'), { token: 'leaked-token-xyz-123' });
    await h.api('POST', addonsPath('m1'), { body: { addon: 'jupyterhub', parameters: { token: TOKENS.alice } } });
    const text = h.rawLogs();
    for (const secret of [...Object.values(TOKENS), 'leaked-token-xyz-123', 'kube-fake-admin', h.workload.kubeconfigYaml(), 'insecure-skip-tls-verify']) {
      expect(text).not.toContain(secret);
    }
    expect(h.logs.filter((l) => 'headers' in l || 'req' in l || 'body' in l)).toEqual([]);
  });

  it('redacts credentials pino is handed (headers, tokens, kubeconfigs, Secret data)', async () => {
    let out = '';
    const app = Fastify({ logger: loggerOptions({ stream: new Writable({ write(c, _e, cb) { out += String(c); cb(); } }) }) as never });
    app.log.info({
      req: { headers: { authorization: 'Bearer s3cr3t-a' } }, token: 's3cr3t-b', kubeconfig: 'apiVersion: v1\nusers: [s3cr3t-c]',
      secret: { data: { value: 's3cr3t-d' } }, review: { spec: { token: 's3cr3t-e' } },
    }, 'probe');
    await app.close();
    expect(out).toContain('[redacted]');
    expect(out).not.toMatch(/s3cr3t/);
  });
});
