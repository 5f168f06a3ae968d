import * as fc from 'fast-check';
import { addonsPath, Harness, startHarness } from './harness';

describe('bad input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ service: { bodyLimit: 4096 } });
    h.seedCluster('b1');
  });
  afterAll(async () => h.close());

  it('answers 413 for an oversized body, 415 for a non-JSON content type, 400 for malformed JSON and unknown fields', async () => {
    const big = await h.api('POST', addonsPath('b1'), { body: { addon: 'jupyterhub', parameters: { storageClass: 'x'.repeat(5000) } } });
    expect(big).toMatchObject({ status: 413, body: { error: 'payload-too-large' } });
    const text = await h.api('POST', addonsPath('b1'), { rawBody: 'addon=jupyterhub', headers: { 'content-type': 'text/plain' } });
    expect(text).toMatchObject({ status: 415, body: { error: 'unsupported-media-type', message: expect.stringContaining('application/json') } });
    const form = await h.api('POST', addonsPath('b1'), { rawBody: 'addon=jupyterhub', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const broken = await h.api('POST', addonsPath('b1'), { rawBody: '{"addon": "jupyterhub",', headers: { 'content-type': 'application/json' } });
    expect(broken).toMatchObject({ status: 400, body: { error: 'bad-request', message: expect.stringContaining('not valid JSON') } });
    const unknown = await h.api('POST', addonsPath('b1'), { body: { addon: 'jupyterhub', mode: 'tenant', extra: true } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      error: 'validation-error', message: 'the request body is invalid',
      issues: [{ path: 'body.mode', message: '"mode" is not a known field' }, { path: 'body.extra', message: '"extra" is not a known field' }],
    });
    const wrongType = await h.api('POST', addonsPath('b1'), { body: { addon: 7, parameters: [] } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.issues.map((i: any) => i.path).sort()).toEqual(['body.addon', 'body.parameters']);
    const noBody = await h.api('POST', addonsPath('b1'));
    expect(noBody.status).toBe(400);
    const noAddon = await h.api('POST', addonsPath('b1'), { body: { parameters: {} } });
    expect(noAddon.body.issues).toEqual([{ path: 'body.addon', message: 'is required' }]);
    const proto = await h.api('POST', addonsPath('b1'), { rawBody: '{"addon":"jupyterhub","__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } });
    expect(proto.status).toBe(400);
    const badName = await h.api('GET', addonsPath('B_1', 'jupyterhub'));
    expect(badName).toMatchObject({ status: 400, body: { error: 'validation-error', issues: [{ path: 'params.cluster' }] } });
    expect((await h.api('GET', '/v2/nothing')).status).toBe(404);
  });

  it('keeps answering a fuzzed corpus of requests (bounded, fixed seed) with 4xx and never a 5xx', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const body = fc.oneof(
      json.map((v) => JSON.stringify(v)),
      fc.record({ addon: fc.oneof(fc.constantFrom('jupyterhub', 'kuberay'), fc.string()), parameters: fc.option(fc.dictionary(fc.string(), json, { maxKeys: 4 })) }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    const segment = fc.oneof(fc.constantFrom('b1', 'team-a', 'jupyterhub', '..', '%00', '%2F', 'x'.repeat(80)), fc.stringMatching(/^[a-zA-Z0-9%._~-]{0,20}$/));
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'),
      ns: segment,
      cluster: segment,
      addon: fc.option(segment),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', ''),
      body,
    });
    const seen = new Set<number>();
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const path = `/v1/namespaces/${r.ns}/clusters/${r.cluster}/addons${r.addon === null ? '' : `/${r.addon}`}`;
      const hasBody = r.method !== 'GET' && r.method !== 'DELETE';
      const res = await h.api(r.method, path, { rawBody: hasBody ? r.body : undefined, headers: r.contentType && hasBody ? { 'content-type': r.contentType } : {} });
      seen.add(res.status);
      return res.status >= 200 && res.status < 500;
    }), { seed: 19, numRuns: 300 });
    expect([...seen].every((s) => s < 500)).toBe(true);
    expect((await h.api('GET', '/healthz', { token: null })).status).toBe(200);
    expect((await h.api('GET', addonsPath('b1'))).status).toBe(200);
  }, 60_000); // 300 HTTP round trips: bounded by count, not by time; a busy 2-core machine needs more than 5 s

  it('accepts a DELETE with Content-Type: application/json and no body', async () => {
    const res = await h.api('DELETE', addonsPath('b1', 'kuberay'), { headers: { 'content-type': 'application/json' } });
    expect(res).toMatchObject({ status: 404, body: { error: 'not-found', message: 'add-on kuberay is not installed on cluster team-a/b1' } });
    // a POST without a body is still a 400
    expect((await h.api('POST', addonsPath('b1'), { headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });
});

describe('defaults', () => {
  it('are the documented ones: 64 KiB bodies, 20-minute uninstall timeout, v1beta2 Cluster objects, management mode', async () => {
    const { createAddonService } = await import('../../lib/service');
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    const s = createAddonService({ kubeConfig: kc, log: { level: 'silent' } });
    expect(s.app.initialConfig.bodyLimit).toBe(64 * 1024);
    expect(s.context).toMatchObject({ uninstallTimeoutSeconds: 1200, uninstallPollMs: 2000, capiVersion: 'v1beta2', mode: 'management', monitoring: false });
    await s.app.close();
  });
});

describe('kubeConfig', () => {
  it('is a KubeConfig of @kubernetes/client-node: anything else is a ValidationError that does not show it', async () => {
    const { createAddonService } = await import('../../lib/service');
    const token = 'kubeconfig-token-0123456789';
    let e: unknown;
    try {
      createAddonService({ kubeConfig: `users:\n- user:\n    token: ${token}\n` as never });
    } catch (x) {
      e = x;
    }
    expect(e).toMatchObject({ name: 'ValidationError', issues: [{ path: 'kubeConfig', message: 'must be a KubeConfig of @kubernetes/client-node (new KubeConfig(), then loadFromDefault() or loadFromFile()), got a string' }] });
    expect((e as Error).message).not.toContain(token);
  });
});

describe('lifecycle', () => {
  it('is not ready (503) until the management cluster answers, then ready', async () => {
    const h = await startHarness({ service: { readinessPollMs: 20 } });
    try {
      // a fresh service against a failing API server
      const { createAddonService } = await import('../../lib/service');
      h.fake.failNext({ path: '/apis', status: 503, times: 3 });
      let out = '';
      // a LogStream: anything with write(line), here not a Node stream
      const stream = { write: (line: string) => { out += line; } };
      const s = createAddonService({ kubeConfig: h.fake.kubeConfig(), readinessPollMs: 20, log: { stream } });
      const url = await s.listen(0, '127.0.0.1');
      const notYet = await fetch(`${url}/readyz`);
      expect(notYet.status).toBe(503);
      expect(await notYet.json()).toEqual({ error: 'unavailable', message: expect.stringContaining('not ready') });
      for (let i = 0; i < 200 && !s.lifecycle.ready; i++) await new Promise((r) => setTimeout(r, 10));
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(h.fake.requests.filter((r) => r.path === '/apis').length).toBeGreaterThanOrEqual(4);
      // one line while waiting (not one per probe), one when it answers
      const lines = out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
      const server = h.fake.kubeConfig().getCurrentCluster()!.server;
      expect(lines.filter((l) => /management cluster/.test(l.msg))).toEqual([
        expect.objectContaining({ level: 40, msg: `waiting for the management cluster at ${server} to answer`, error: expect.stringContaining('HTTP 503') }),
        expect.objectContaining({ level: 30, msg: 'the management cluster answers: ready' }),
      ]);
      await s.shutdown();
    } finally {
      await h.close();
    }
  });

  it('/readyz fails while the management cluster stops answering, and add-on requests are 503; ready again once it answers', async () => {
    const h = await startHarness({ service: { readinessPollMs: 10, readinessRecheckMs: 10 } });
    try {
      h.seedCluster('z1');
      expect((await h.api('GET', '/readyz', { token: null })).status).toBe(200);
      h.fake.failNext({ path: '/apis', status: 503, times: 1000 });
      for (let i = 0; i < 300 && h.service.lifecycle.ready; i++) await new Promise((r) => setTimeout(r, 10));
      expect((await h.api('GET', '/readyz', { token: null })).status).toBe(503);
      expect(await h.api('GET', addonsPath('z1'))).toMatchObject({ status: 503, body: { error: 'unavailable', message: 'the management cluster does not answer: retry shortly' } });
      expect(h.logs.filter((l) => l.msg === 'the management cluster stopped answering: not ready until it answers again')).toHaveLength(1);
      h.fake.reset();
      for (let i = 0; i < 300 && !h.service.lifecycle.ready; i++) await new Promise((r) => setTimeout(r, 10));
      expect((await h.api('GET', '/readyz', { token: null })).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('on shutdown lets in-flight requests finish, answers new ones 503, then stops listening', async () => {
    const h = await startHarness();
    h.seedCluster('g1');
    h.fake.setLatency({ ms: 300, method: 'PATCH' });
    const inFlight = h.api('POST', addonsPath('g1'), { body: { addon: 'jupyterhub' } });
    for (let i = 0; i < 200 && h.service.lifecycle.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const closing = h.service.shutdown();
    const late = await h.api('GET', addonsPath('g1'));
    expect(late).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect((await h.api('GET', '/readyz', { token: null })).status).toBe(503);
    expect((await inFlight).status).toBe(202);
    await closing;
    await expect(fetch(`${h.url}/healthz`)).rejects.toThrow();
    await h.fake.close();
    await h.workload.close();
  });
});
