import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { ADDON_API_SERVICE_RULES, addonApiOpenApi, OPERATIONS, requiredPermissions, ROUTES } from '../../lib/service';
import { showPermission } from '../../lib/service/permissions';

const doc = readFileSync(join(__dirname, '../../docs/addon-api.md'), 'utf8');

function block(after: string, lang: string): string {
  const start = doc.indexOf(after);
  expect(start).toBeGreaterThanOrEqual(0);
  // the fence may carry markers after the language (test/docs/code-blocks.test.ts), e.g. ```ts needs=cluster
  const fence = new RegExp(`^\`\`\`${lang}(?: [^\\n]*)?\\n`, 'm').exec(doc.slice(start));
  expect(fence).not.toBeNull();
  const open = start + fence!.index + fence![0].length;
  return doc.slice(open, doc.indexOf('```', open));
}

describe('OpenAPI description', () => {
  const api = addonApiOpenApi() as any;

  it('has every route with its method, path parameters and responses, and every $ref resolves', () => {
    for (const r of ROUTES) {
      const op = api.paths[r.url.replace(/:(\w+)/g, '{$1}')][r.method.toLowerCase()];
      expect(op).toBeDefined();
      expect(Object.keys(op.responses).map(Number).sort()).toEqual(Object.keys(r.schema.response).map(Number).sort());
      const params = Object.keys((r.schema.params as any)?.properties ?? {});
      expect((op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name)).toEqual(params);
      expect(op.parameters).toContainEqual({ $ref: '#/components/parameters/RequestId' });
      for (const answer of Object.values(op.responses) as any[]) expect(answer.headers['X-Request-Id']).toEqual({ $ref: '#/components/headers/RequestId' });
      expect(op.security).toEqual(r.operation !== undefined ? [{ kubernetesBearerToken: [] }] : []);
    }
    const refs = JSON.stringify(api).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(api.components.schemas[JSON.parse(ref).split('/').pop()]).toBeDefined();
  });

  it('names the catalog in the {addon} enum, X-Request-Id as a header, and the parameters of each add-on', () => {
    expect(api.paths['/v1/namespaces/{namespace}/clusters/{cluster}/addons/{addon}'].get.parameters.find((p: any) => p.name === 'addon').schema).toEqual({ type: 'string', enum: ['jupyterhub', 'kuberay'] });
    expect(api.components.parameters.RequestId).toMatchObject({ name: 'X-Request-Id', in: 'header', required: false });
    expect(api.components.schemas.JupyterhubParameters.properties.cpu).toMatchObject({ default: '1' });
    expect(api.components.schemas.KuberayParameters.properties.worker.properties.replicas).toMatchObject({ type: 'integer', minimum: 0, default: 1 });
    expect(api.components.schemas.KuberayParameters.properties.serviceType.enum).toEqual(['LoadBalancer', 'NodePort', 'ClusterIP']);
  });

  it('lints clean with Redocly\'s recommended ruleset (@redocly/openapi-core)', () => {
    const out = execFileSync(process.execPath, [join(__dirname, '../support/openapi-lint.mjs')], { input: JSON.stringify(api), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
  });

  it('describes request bodies that reject unknown fields, as the service does', () => {
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile({ ...api.components.schemas.InstallRequest, components: api.components });
    expect(validate({ addon: 'jupyterhub', parameters: { cpu: '2' } })).toBe(true);
    expect(validate({ addon: 'kuberay', parameters: { worker: { replicas: 2 } } })).toBe(true);
    expect(validate({ addon: 'jupyterhub', mode: 'tenant' })).toBe(false);
    expect(validate({ addon: 'jupyterhub', parameters: { head: { cpu: '2' } } })).toBe(false);
    expect(validate({ addon: 'mlflow' })).toBe(false);
    expect(validate({ parameters: {} })).toBe(false);
  });
});

describe('docs/addon-api.md', () => {
  it('embeds the generated OpenAPI document', () => {
    expect(parse(block('<!-- openapi:begin -->', 'yaml'))).toEqual(addonApiOpenApi());
  });

  it('shows the service\'s ClusterRole as the code has it', () => {
    expect(parse(block('## The service\'s own RBAC', 'yaml')).rules).toEqual(ADDON_API_SERVICE_RULES);
  });

  it('lists the permissions each operation checks', () => {
    for (const o of OPERATIONS) {
      const row = requiredPermissions(o, '<cluster>', true).map(showPermission).map((s) => s.replace(/ "(.*)"$/, ' `$1`')).join(', ');
      expect(doc).toContain(`| \`${o}\` | ${row} |`);
    }
  });

  it('shows the embedding example exactly as examples/service/addon-api-server.ts (which tsc compiles), importing the package entry point', () => {
    const example = readFileSync(join(__dirname, '../../examples/service/addon-api-server.ts'), 'utf8');
    expect(block('Embedding the service', 'ts')).toBe(example.replace("from '../../lib/service'", "from 'capi-constructs/service'"));
  });
});

describe('GET /openapi.json', () => {
  it('serves the same document, without authentication', async () => {
    const { startHarness } = await import('./harness');
    const h = await startHarness();
    try {
      const res = await h.api('GET', '/openapi.json', { token: null });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual(addonApiOpenApi());
    } finally {
      await h.close();
    }
  });
});
