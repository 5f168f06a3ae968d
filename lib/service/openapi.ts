/** The OpenAPI 3.1 description of the add-on API, built from the route definitions and their schemas (routes.ts, schemas.ts). */
import { ADDON_CATALOG, ADDON_NAMES, CatalogParameter } from '../core/addons';
import { REQUEST_ID_HEADER } from './logging';
import { ROUTES } from './routes';
import { errorAnswer, healthAnswer, installAnswer, installBody, listAnswer, statusAnswer, uninstallAnswer } from './schemas';

/** Schemas named in `components.schemas`; every use of one of these objects becomes a `$ref`. */
const NAMED: ReadonlyMap<object, string> = new Map<object, string>([
  [installBody, 'InstallRequest'], [installAnswer, 'InstallAnswer'], [uninstallAnswer, 'UninstallAnswer'],
  [statusAnswer, 'AddonStatus'], [listAnswer, 'AddonList'], [errorAnswer, 'Error'], [healthAnswer, 'Health'],
]);

/** A copy of `schema` with the named schemas inside it replaced by references (not the top level when `top`). */
function refify(schema: unknown, top = false): unknown {
  if (schema === null || typeof schema !== 'object') return schema;
  const name = NAMED.get(schema);
  if (name !== undefined && !top) return { $ref: `#/components/schemas/${name}` };
  if (Array.isArray(schema)) return schema.map((v) => refify(v));
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, refify(v)]));
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 202: 'Accepted', 400: 'Invalid input (validation-error, bad-request)', 401: 'Not authenticated (unauthenticated)',
  403: 'Not authorized (forbidden)', 404: 'Unknown cluster, add-on not installed, or no such route (not-found)',
  409: 'Already installed with other parameters, or being uninstalled (conflict)', 413: 'Body too large (payload-too-large)',
  415: 'Body not JSON (unsupported-media-type)', 429: 'Too many failed authentications from this client (rate-limited)', 502: 'Kubernetes API failure (k8s-api-error)', 503: 'Not ready or shutting down (unavailable)',
};

/** `jupyterhub` → `Jupyterhub`. */
const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);

/** The JSON Schema of one catalog parameter (its kind, default, bounds and description). */
function parameterSchema(p: CatalogParameter): Record<string, unknown> {
  const base = { description: p.description, ...(p.default !== undefined ? { default: p.default } : {}) };
  switch (p.kind) {
    case 'cpu': return { type: ['string', 'number'], ...base, examples: ['500m', 2] };
    case 'memory': case 'storage': return { type: 'string', ...base, examples: ['4Gi'] };
    case 'storageClass': return { type: 'string', ...base };
    case 'integer': return { type: 'integer', ...(p.min !== undefined ? { minimum: p.min } : {}), ...base };
    case 'boolean': return { type: 'boolean', ...base };
    case 'enum': return { type: 'string', enum: [...(p.allowed ?? [])], ...base };
    default: return { type: 'object', ...base, description: `${p.description} (see the add-on's documentation for its fields)` };
  }
}

/** The parameters object of one add-on: dotted names (`head.cpu`) are nested objects; unknown keys are errors. */
function addonParametersSchema(parameters: readonly CatalogParameter[]): Record<string, unknown> {
  const root: Record<string, unknown> = { type: 'object', additionalProperties: false, properties: {} };
  for (const p of parameters) {
    let node = root;
    const parts = p.name.split('.');
    for (const part of parts.slice(0, -1)) {
      const props = node.properties as Record<string, Record<string, unknown>>;
      node = props[part] ??= { type: 'object', additionalProperties: false, properties: {} };
    }
    (node.properties as Record<string, unknown>)[parts[parts.length - 1]] = parameterSchema(p);
  }
  return root;
}

/** The OpenAPI document (a plain object, JSON-serializable). */
export function addonApiOpenApi(version = '0.1.0'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const path = r.url.replace(/:([a-zA-Z]+)/g, '{$1}');
    const params = r.schema.params as { properties?: Record<string, { description?: string }> } | undefined;
    const parameters = Object.entries(params?.properties ?? {}).map(([name, schema]) => {
      const { description, ...rest } = schema;
      return { name, in: 'path', required: true, description, schema: rest };
    });
    if (parameters.length > 0) (parameters.find((p) => p.name === 'addon') ?? {} as { schema?: unknown }).schema = { type: 'string', enum: [...ADDON_NAMES] };
    const responses: Record<string, unknown> = {};
    for (const [code, schema] of Object.entries(r.schema.response)) {
      const type = Number(code) === 200 && r.produces ? r.produces : 'application/json';
      responses[code] = {
        description: STATUS_TEXT[Number(code)] ?? code,
        headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } },
        content: { [type]: { schema: refify(schema) } },
      };
    }
    paths[path] = {
      ...paths[path],
      [r.method.toLowerCase()]: {
        operationId: r.operation ?? r.url.slice(1),
        summary: r.summary,
        description: r.description,
        security: r.operation ? [{ kubernetesBearerToken: [] }] : [],
        parameters: [...parameters, { $ref: '#/components/parameters/RequestId' }],
        ...(r.schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: refify(r.schema.body) } } } } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'capi-constructs add-on API',
      version,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description: 'Install, inspect and uninstall catalog add-ons on Cluster API workload clusters (capi-constructs serve).',
    },
    servers: [{ url: '/', description: 'The service itself (capi-constructs serve), at the address it listens on.' }],
    components: {
      schemas: {
        ...Object.fromEntries([...NAMED].map(([schema, name]) => [name, refify(schema, true)])),
        // the request body as documented: one shape per add-on, with its parameters (the service checks them with the catalog)
        InstallRequest: {
          description: 'The add-on and its parameters; unknown fields and parameters are errors.',
          oneOf: ADDON_NAMES.map((a) => ADDON_CATALOG[a]).map((entry) => ({ $ref: `#/components/schemas/Install${pascal(entry.name)}` })),
        },
        ...Object.fromEntries(ADDON_NAMES.map((a) => ADDON_CATALOG[a]).flatMap((entry) => [
          [`Install${pascal(entry.name)}`, {
            type: 'object', additionalProperties: false, required: ['addon'],
            properties: { addon: { const: entry.name, description: entry.displayName }, parameters: { $ref: `#/components/schemas/${pascal(entry.name)}Parameters` } },
          }],
          [`${pascal(entry.name)}Parameters`, { ...addonParametersSchema(entry.parameters), description: `Parameters of ${entry.displayName}.` }],
        ])),
      },
      parameters: {
        RequestId: {
          name: 'X-Request-Id', in: 'header', required: false,
          description: 'Request id for the log line and the audit log (sent to the Kubernetes API as Audit-ID); kept when 1-128 printable ASCII characters without spaces, else generated.',
          schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' },
        },
      },
      headers: {
        RequestId: { description: 'The request id (the one sent, or the one generated).', schema: { type: 'string' } },
      },
      securitySchemes: {
        kubernetesBearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token the management cluster accepts (TokenReview); each operation is authorized with SubjectAccessReviews on the Cluster\'s namespace.',
        },
      },
    },
    paths,
  };
}
