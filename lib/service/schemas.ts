/**
 * JSON Schemas of the add-on API's requests and answers. Fastify validates requests (unknown fields
 * rejected: `additionalProperties: false`) and serializes answers with them, and the OpenAPI
 * description (openapi.ts) is built from the same objects.
 */
import { ADDON_PHASES } from '../core/addons';

/** A DNS-1123 label: what a namespace and a Cluster name are. */
const DNS_LABEL = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' } as const;

export const clusterParams = {
  type: 'object',
  additionalProperties: false,
  required: ['namespace', 'cluster'],
  properties: {
    namespace: { ...DNS_LABEL, description: 'Namespace of the Cluster object on the management cluster.' },
    cluster: { ...DNS_LABEL, description: 'Name of the Cluster object.' },
  },
} as const;

export const addonParams = {
  type: 'object',
  additionalProperties: false,
  required: ['namespace', 'cluster', 'addon'],
  properties: {
    ...clusterParams.properties,
    addon: { type: 'string', minLength: 1, maxLength: 63, description: 'Add-on name from the catalog (jupyterhub, kuberay).' },
  },
} as const;

export const installBody = {
  type: 'object',
  additionalProperties: false,
  required: ['addon'],
  properties: {
    addon: { type: 'string', minLength: 1, maxLength: 63, description: 'Add-on name from the catalog (jupyterhub, kuberay).' },
    parameters: {
      type: 'object',
      description: 'Add-on parameters (see docs/addons.md); validated against the catalog, unknown keys are errors.',
    },
  },
} as const;

const issue = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'message'],
  properties: { path: { type: 'string' }, message: { type: 'string' } },
} as const;

export const errorAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['error', 'message'],
  properties: {
    error: {
      type: 'string',
      enum: ['validation-error', 'bad-request', 'unsupported-media-type', 'payload-too-large', 'unauthenticated', 'forbidden', 'not-found', 'conflict', 'rate-limited', 'k8s-api-error', 'unavailable', 'internal-error'],
    },
    message: { type: 'string' },
    issues: { type: 'array', items: issue },
  },
} as const;

const clusterId = {
  type: 'object',
  additionalProperties: false,
  required: ['namespace', 'name'],
  properties: { namespace: { type: 'string' }, name: { type: 'string' } },
} as const;

const identity = {
  id: { type: 'string', description: 'The add-on id: its primary HelmRelease name, <addon>-<suffix>.' },
  addon: { type: 'string' },
  cluster: clusterId,
  namespace: { type: 'string', description: 'The add-on namespace on the workload cluster, iaas-addon-<addon>-<suffix>.' },
} as const;

export const installAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'addon', 'cluster', 'namespace', 'releases', 'status', 'unchanged', 'warnings'],
  properties: {
    ...identity,
    releases: { type: 'array', items: { type: 'string' }, description: 'HelmRelease names, in catalog order.' },
    status: { type: 'string', enum: ['Installing'] },
    unchanged: { type: 'boolean', description: 'True when the add-on was already installed with these parameters.' },
    warnings: { type: 'array', items: issue, description: 'Legal but risky parameters.' },
  },
} as const;

export const uninstallAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'addon', 'cluster', 'namespace', 'releases', 'status'],
  properties: {
    ...identity,
    releases: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: ['Uninstalling'] },
  },
} as const;

const phase = { type: 'string', enum: [...ADDON_PHASES] } as const;

const releaseStatus = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'phase'],
  properties: {
    name: { type: 'string' },
    phase,
    reason: { type: 'string' },
    message: { type: 'string' },
    chartVersion: { type: 'string' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
  },
} as const;

export const statusAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'addon', 'cluster', 'namespace', 'phase', 'releases'],
  properties: {
    ...identity,
    phase: { ...phase, description: 'Installing, Ready, Failed or Uninstalling, from the HelmRelease conditions.' },
    reason: { type: 'string', description: 'Condition reason (e.g. InstallFailed, UninstallTimeout).' },
    message: { type: 'string' },
    chartVersion: { type: 'string', description: 'Chart version of the primary release.' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    releases: { type: 'array', items: releaseStatus },
    cleanupCommands: { type: 'array', items: { type: 'string' }, description: 'For a stuck or failed uninstall: the manual cleanup commands, in order.' },
    missing: { type: 'array', items: { type: 'string' }, description: 'Objects of a partial installation that do not exist (`Kind namespace/name`).' },
    operation: {
      type: 'object',
      additionalProperties: false,
      required: ['operation'],
      description: 'The operation recorded on the installation: under way, or stopped on a failed step.',
      properties: {
        operation: { type: 'string', enum: ['install', 'uninstall'] },
        startedAt: { type: 'string' },
        requestId: { type: 'string', description: 'The X-Request-Id of the request that began it.' },
        failedStep: { type: 'string' },
        error: { type: 'string' },
      },
    },
  },
} as const;

export const listAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: { items: { type: 'array', items: statusAnswer } },
} as const;

export const healthAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok', 'ready'] } },
} as const;
