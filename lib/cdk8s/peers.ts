import { requirePeers } from '../core/rules/peers';

requirePeers('capi-constructs (the cdk8s constructs)', ['cdk8s', 'constructs'],
  'Pulumi programs import "capi-constructs/pulumi"; code without a framework imports "capi-constructs/core".');
