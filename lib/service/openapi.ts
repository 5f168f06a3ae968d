/** The OpenAPI 3.1 description of the add-on API, built from the route definitions and their schemas (routes.ts, schemas.ts). */
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
  415: 'Body not JSON (unsupported-media-type)', 502: 'Kubernetes API failure (k8s-api-error)', 503: 'Not ready or shutting down (unavailable)',
};

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
    const responses: Record<string, unknown> = {};
    for (const [code, schema] of Object.entries(r.schema.response)) {
      const type = Number(code) === 200 && r.produces ? r.produces : 'application/json';
      responses[code] = { description: STATUS_TEXT[Number(code)] ?? code, content: { [type]: { schema: refify(schema) } } };
    }
    paths[path] = {
      ...paths[path],
      [r.method.toLowerCase()]: {
        operationId: r.operation ?? r.url.slice(1),
        summary: r.summary,
        description: r.description,
        ...(r.operation ? { security: [{ kubernetesBearerToken: [] }] } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
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
      description: 'Install, inspect and uninstall catalog add-ons on Cluster API workload clusters (capi-constructs serve).',
    },
    components: {
      schemas: Object.fromEntries([...NAMED].map(([schema, name]) => [name, refify(schema, true)])),
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
