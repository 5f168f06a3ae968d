/**
 * VSphereMachineTemplate create-time rules of cluster-api-provider-vsphere v1.16.1
 * `internal/webhooks/vspheremachinetemplate.go` `ValidateCreate`, checked on the emitted
 * `spec.template.spec` (so fields given through `additionalFields` are covered too):
 * - `validatePCIDevices` (`internal/webhooks/vspheremachine.go`): each `pciDevices[i]` has either
 *   `deviceId` and `vendorId` (PCI passthrough) or `vGPUProfile` (vGPU), not a mix, not neither;
 * - `validateVSphereVMNamingTemplate`: the naming template (v1beta1 `namingStrategy.template`,
 *   v1beta2 `naming.template`) renders, for a Machine named `machine`, through Go text/template with
 *   `.machine.name` and the functions `trimSuffix` and `trunc` (`pkg/util/template.go`,
 *   `missingkey=error`), truncated to 63 characters, to a valid DNS-1123 subdomain.
 */
import { Problems, show } from '../rules/errors';
import { evaluateGoTemplate, SPRIG_NAME_FUNCTIONS } from '../rules/go-template';
import { isDns1123Subdomain } from '../rules/validation';
import { checkArguments } from '../rules/arguments';

/** CAPV truncates generated VM names to this length. */
export const VSPHERE_VM_NAME_MAX_LENGTH = 63;

const present = (v: unknown) => v !== undefined && v !== null;

/** `pciDevices[]`: deviceId + vendorId, or vGPUProfile. */
export function checkPciDevices(p: Problems, path: string, devices: unknown): void {
  if (devices === undefined) return;
  if (!Array.isArray(devices)) {
    p.error(path, `must be a list of PCI devices, got ${show(devices)}`);
    return;
  }
  devices.forEach((d, i) => {
    const dev = (d ?? {}) as Record<string, unknown>;
    const vgpu = typeof dev.vGPUProfile === 'string' && dev.vGPUProfile !== '';
    if (vgpu && !present(dev.deviceId) && !present(dev.vendorId)) return;
    if (!vgpu && present(dev.deviceId) && present(dev.vendorId)) return;
    p.error(`${path}[${i}]`, `${show(d)} should have either deviceId + vendorId (PCI passthrough) or vGPUProfile (vGPU) set, not both and not neither (CAPV validatePCIDevices)`);
  });
}

/** The VM name a naming template gives a Machine named `machineName`, or why it fails. */
export function vsphereVmName(template: string, machineName: string): { name: string } | { error: string; unsupported?: boolean } {
  const isText = (v: unknown) => typeof v === 'string' && v.length <= 10_000;
  if (!isText(template) || !isText(machineName)) {
    checkArguments('vsphereVmName', [['template', template, isText(template), 'a naming template as a string of at most 10000 characters'], ['machineName', machineName, isText(machineName), 'a Machine name as a string of at most 10000 characters']]);
  }
  const r = evaluateGoTemplate(template, { machine: { name: machineName } }, SPRIG_NAME_FUNCTIONS);
  if (r.kind === 'ok') return { name: r.output.slice(0, VSPHERE_VM_NAME_MAX_LENGTH) };
  return { error: r.message, unsupported: r.kind === 'unsupported' };
}

/** A naming template CAPV accepts: it renders, and the (truncated) result is a DNS-1123 subdomain. */
export function checkVSphereNamingTemplate(p: Problems, path: string, template: unknown): void {
  if (template === undefined) return;
  if (typeof template !== 'string') {
    p.error(path, `must be a string, got ${show(template)}`);
    return;
  }
  if (template === '') return;
  const r = vsphereVmName(template, 'machine');
  if ('error' in r) {
    if (r.unsupported) p.warn(path, `${show(template)} uses Go template features this library does not evaluate (${r.error}); CAPV checks it when the template is created`);
    else p.error(path, `${show(template)} is not a valid VSphereVM name template: ${r.error} (CAPV provides .machine.name and the functions trimSuffix and trunc)`);
    return;
  }
  if (!isDns1123Subdomain(r.name)) {
    p.error(path, `${show(template)} gives the name ${show(r.name)} for a Machine named "machine", which is not a valid Kubernetes object name (DNS-1123 subdomain: lower-case letters, digits, '-' and '.')`);
  }
}

/**
 * The CAPV rules on an emitted `spec.template.spec`. `pathOf` maps a spec field to the prop path the
 * user wrote it at (a typed prop, or `additionalFields.<field>`).
 */
export function checkVSphereMachineSpec(p: Problems, spec: Readonly<Record<string, unknown>>, pathOf: (field: string) => string): void {
  checkPciDevices(p, pathOf('pciDevices'), spec.pciDevices);
  for (const field of ['namingStrategy', 'naming']) {
    const v = spec[field];
    if (v !== null && typeof v === 'object') checkVSphereNamingTemplate(p, `${pathOf(field)}.template`, (v as Record<string, unknown>).template);
  }
}
