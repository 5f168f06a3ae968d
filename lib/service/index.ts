/** The add-on API service behind `capi-constructs serve`. */
// First: a missing optional peer (@kubernetes/client-node, ...) is reported as an instruction (./peers).
import './peers';
export { AddonService, AddonServiceOptions, createAddonService } from './app';
export type { RouteDefinition } from './routes';
export { Operation, OPERATIONS, Permission, requiredPermissions } from './auth';
export { ErrorType, ServiceError } from './errors';
export { FIELD_MANAGER, loadKubeConfig } from './kube';
export { METRIC_DURATION, METRIC_ERRORS, METRIC_TOTAL } from './metrics';
export { addonApiOpenApi } from './openapi';
export { ROUTES } from './routes';
export { ADDON_API_SERVICE_RULES, addonApiServiceRules, PolicyRule, rulesAllow } from './rbac';
