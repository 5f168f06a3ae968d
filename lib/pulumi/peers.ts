import { requirePeers } from '../core/rules/peers';

requirePeers('capi-constructs/pulumi', ['@pulumi/pulumi', '@pulumi/kubernetes'],
  'cdk8s programs import "capi-constructs"; code without a framework imports "capi-constructs/core".');
