/**
 * OpenStackMachine create-time rules of cluster-api-provider-openstack v0.14.7
 * `pkg/webhooks/openstackmachine_webhook.go` `ValidateCreate`. CAPO checks them when a Machine's
 * OpenStackMachine is cloned from the template, so a template that breaks them yields machines that
 * are never created; they are checked here on the emitted `spec.template.spec` (fields given through
 * `additionalFields` included):
 * - with `rootVolume` set, no `additionalBlockDevices[]` entry may be named `root`;
 * - a `ports[]` entry with `disablePortSecurity: true` may not have `securityGroups`.
 */
import { Problems, show } from '../rules/errors';

export function checkOpenStackMachineSpec(p: Problems, spec: Readonly<Record<string, unknown>>, pathOf: (field: string) => string): void {
  const devices = spec.additionalBlockDevices;
  if (spec.rootVolume !== undefined && Array.isArray(devices)) {
    devices.forEach((d, i) => {
      if ((d as Record<string, unknown> | null)?.name === 'root') {
        p.error(`${pathOf('additionalBlockDevices')}[${i}].name`, '"root" is reserved when rootVolume is set: CAPO refuses an additional block device named "root" next to a root volume (rename the device)');
      }
    });
  }
  const ports = spec.ports;
  if (Array.isArray(ports)) {
    ports.forEach((port, i) => {
      const pt = (port ?? {}) as Record<string, unknown>;
      if (pt.disablePortSecurity === true && Array.isArray(pt.securityGroups) && pt.securityGroups.length > 0) {
        p.error(`${pathOf('ports')}[${i}].securityGroups`, `${show(pt.securityGroups)}: a port with disablePortSecurity: true cannot have security groups (CAPO); remove them or enable port security`);
      }
    });
  }
}
