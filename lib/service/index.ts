/** The add-on API service behind `capi-constructs serve`. */
// First: a missing optional peer (@kubernetes/client-node, ...) is reported as an instruction (./peers).
import './peers';
// The declarations of what this entry point exports name no type of @kubernetes/client-node, fastify or prom-client.
export { AddonService, AddonServiceOptions, createAddonService } from './app';
export type { RouteDefinition } from './routes';
export { Operation, OPERATIONS, Permission, requiredPermissions } from './permissions';
export { ErrorType, ServiceError } from './errors';
export { FIELD_MANAGER, loadKubeConfig } from './kube-config';
export type { KubeConfigLike } from '../ops/types';
export type { LogStream } from './logging';
export { METRIC_DURATION, METRIC_ERRORS, METRIC_TOTAL } from './metrics';
export { addonApiOpenApi } from './openapi';
export { ROUTES } from './routes';
export { ADDON_API_SERVICE_RULES, addonApiServiceRules, PolicyRule, rulesAllow } from './rbac';
