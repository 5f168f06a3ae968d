import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { ADDON_API_SERVICE_RULES, addonApiOpenApi, OPERATIONS, requiredPermissions, ROUTES } from '../../lib/service';
import { showPermission } from '../../lib/service/auth';

const doc = readFileSync(join(__dirname, '../../docs/addon-api.md'), 'utf8');

function block(after: string, lang: string): string {
  const start = doc.indexOf(after);
  expect(start).toBeGreaterThanOrEqual(0);
  const open = doc.indexOf(`\`\`\`${lang}\n`, start) + lang.length + 4;
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
      expect((op.parameters ?? []).map((p: any) => p.name)).toEqual(params);
      expect(op.security !== undefined).toBe(r.operation !== undefined);
    }
    const refs = JSON.stringify(api).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(api.components.schemas[JSON.parse(ref).split('/').pop()]).toBeDefined();
  });

  it('describes request bodies that reject unknown fields, as the service does', () => {
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile(api.components.schemas.InstallRequest);
    expect(validate({ addon: 'jupyterhub', parameters: { cpu: '2' } })).toBe(true);
    expect(validate({ addon: 'jupyterhub', mode: 'tenant' })).toBe(false);
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
