/**
 * What the service's own identity needs on the management cluster: the rules live in the core
 * (lib/core/addons/api-deployment.ts), beside the manifests that run the service.
 */
import { addonApiServiceRules, PolicyRule } from '../core/addons/api-deployment';

export { addonApiServiceRules, PolicyRule, rulesAllow } from '../core/addons/api-deployment';

/** The ClusterRole rules the add-on API service itself needs on the management cluster (management mode). */
export const ADDON_API_SERVICE_RULES: readonly PolicyRule[] = addonApiServiceRules('management');
