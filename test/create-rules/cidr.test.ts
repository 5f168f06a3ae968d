/**
 * CIDR blocks as Go's net.ParseCIDR reads them. Each row also records what ipaddr.js alone says, so
 * the table shows where the Go-specific checks on top of it matter.
 */
import * as ipaddr from 'ipaddr.js';
import { Cluster, existingInfrastructureCluster, OpenStackCluster, parseGoCidr } from '../../lib';
import { isGoCidr } from '../../lib/core/rules/cidr';
import { validationError } from '../support/validation-error';
import { Chart, Testing } from 'cdk8s';

const ipaddrAccepts = (cidr: string) => {
  const addr = cidr.split('/')[0];
  return ipaddr.isValid(addr);
};

test.each([
  // [cidr, Go net.ParseCIDR accepts, ipaddr.js accepts the address part]
  ['10.0.0.0/8', true, true],
  ['192.168.0.0/16', true, true],
  ['10.0.0.1/8', true, true], // host bits may be set
  ['0.0.0.0/0', true, true],
  ['10.0.0.0/08', true, true], // Go's dtoi takes leading zeros in the prefix
  ['010.0.0.0/8', false, true], // leading zero: ipaddr.js reads octal, Go refuses
  ['10.0.0.00/8', false, true],
  ['256.0.0.0/8', false, false],
  ['10.0.0/8', false, true], // three parts: ipaddr.js's parse takes it
  ['0x0a.0.0.0/8', false, true],
  ['10.0.0.0/33', false, true],
  ['10.0.0.0', false, true],
  ['10.0.0.0/', false, true],
  ['10.0.0.0/+8', false, true],
  [' 10.0.0.0/8', false, false],
  ['10.0.0.0/8 ', false, true],
  ['2001:db8::/32', true, true],
  ['FD00::/8', true, true],
  ['::/0', true, true],
  ['fd00::/129', false, true],
  ['2001:db8:::1/64', false, false],
  ['1:2:3:4:5:6:7:8:9/64', false, false],
  ['::ffff:10.0.0.0/104', true, true], // IPv4-mapped IPv6 is IPv6: /104 is valid
  ['::ffff:10.0.0.0/136', false, true],
  ['::ffff:010.0.0.0/104', false, true], // embedded IPv4 with a leading zero: ipaddr.js accepts it
  ['fe80::1%eth0/64', false, true], // zones: ipaddr.js accepts, ParseCIDR refuses
])('%s: Go %s (ipaddr.js alone: %s)', (cidr, go, lib) => {
  expect(isGoCidr(cidr)).toBe(go);
  expect(ipaddrAccepts(cidr)).toBe(lib);
});

test('parseGoCidr returns the family, the address and the prefix', () => {
  expect(parseGoCidr('::ffff:10.0.0.0/104')).toEqual({ family: 'ipv6', address: '::ffff:a00:0', prefixLength: 104 });
  expect(parseGoCidr('10.1.0.0/16')).toEqual({ family: 'ipv4', address: '10.1.0.0', prefixLength: 16 });
});

test('Cluster clusterNetwork and OpenStackCluster managedSubnets use it, naming field, value and rule', () => {
  const err = validationError(() => new Cluster(new Chart(Testing.app(), 'c'), 'c', {
    name: 'prod', cni: 'calico', kubernetesVersion: 'v1.31.4', infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'DockerCluster' }), clusterNetwork: { pods: ['010.244.0.0/16', '::ffff:10.0.0.0/104'], services: ['fe80::1%eth0/64'] },
  }));
  expect(err.issues).toEqual([
    { path: 'clusterNetwork.pods[0]', message: expect.stringMatching(/"010.244.0.0\/16" is not a CIDR block as Cluster API parses it \(Go net.ParseCIDR\): "010.244.0.0" is not an IPv4 address: four decimal numbers of at most 255, without leading zeros/) },
    { path: 'clusterNetwork.services[0]', message: expect.stringMatching(/IPv6 zone/) },
  ]);
  const os = validationError(() => new OpenStackCluster({ cloudName: 'c', secretName: 's', managedSubnets: [{ cidr: '10.6.0.0/33' }] }));
  expect(os.issues).toEqual([{ path: 'managedSubnets[0].cidr', message: expect.stringMatching(/prefix length "33" must be a number from 0 to 32/) }]);
});
