/**
 * Credential-shaped texts (issue 33's probes and more): test/conformance/credential-probes.test.ts puts
 * each in every place that reaches a manifest, test/conformance/credential-prefilter.test.ts checks that
 * the fast scan and the full scan agree on them.
 */
import { gzipSync } from 'zlib';

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----\n';
const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: c\nusers:\n- name: admin\n  user:\n    token: abc\ncontexts:\n- context: {cluster: c, user: admin}\n  name: c\n';
const CLOUDS_YAML = 'clouds:\n  openstack:\n    auth:\n      auth_url: https://keystone:5000/v3\n      username: admin\n      password: hunter2\n';
export const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Credential-shaped texts: the probes and more. */
export const PROBES: Readonly<Record<string, string>> = {
  'URL with password': 'https://admin:hunter2@vc.example.com/sdk',
  'database URL': 'postgres://app:s3cret-pw@db.example.com:5432/app',
  'PEM private key': PEM,
  'PGP private key': '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGRk1y0BCAC7\n-----END PGP PRIVATE KEY BLOCK-----\n',
  'SSH2 private key': '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "rsa-key"\nP2/56wAAAi4AAAA3aWYtbW9k\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n',
  'PuTTY private key': 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: key\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5\nPrivate-Lines: 1\nAAAAIDx0\n',
  'kubeconfig (YAML)': KUBECONFIG,
  'kubeconfig (JSON)': JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443' } }], users: [{ name: 'u', user: { token: 'abc' } }] }),
  'kubeconfig (flow YAML)': '{apiVersion: v1, kind: Config, clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}], users: [{name: u, user: {token: abc}}]}',
  'kubeconfig client-key-data': 'users:\n- name: u\n  user:\n    client-key-data: LS0tLS1CRUdJTg==\n',
  'clouds.yaml (YAML)': CLOUDS_YAML,
  'clouds.yaml (JSON)': JSON.stringify({ clouds: { openstack: { auth: { auth_url: 'https://keystone:5000/v3', username: 'admin', password: 'hunter2' } } } }),
  'clouds.yaml (flow YAML)': '{clouds: {openstack: {auth: {auth_url: "https://keystone:5000/v3", username: admin, password: hunter2}}}}',
  'cloud.conf (OpenStack INI)': '[Global]\nauth-url = https://keystone:5000/v3\nusername = admin\npassword = hunter2\nregion = RegionOne\n',
  'cloud.conf application credential': '[Global]\nauth-url=https://keystone:5000/v3\napplication-credential-id=0123abcd\napplication-credential-secret=hunter2hunter2\n',
  'vsphere.conf (INI)': '[Global]\ninsecure-flag = "1"\n\n[VirtualCenter "vc.example.com"]\nuser = "administrator@vsphere.local"\npassword = "hunter2"\ndatacenters = "dc1"\n',
  'JWT (service account token)': 'eyJhbGciOiJSUzI1NiIsImtpZCI6IkF4In0.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNhIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
  'AWS access key ID': 'AKIAZ3MSJV4WJUDVCRSL',
  'AWS secret access key': 'aws_secret_access_key = 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',
  'GitHub token': `ghp_${'Zq8X2rM7vT1nL5kQ9wE3yU6iO4pA2sD8fG1h'}`,
  'Slack token': 'xoxb-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1',
  'docker config auths': JSON.stringify({ auths: { 'registry.example.com': { auth: b64('robot:hunter2hunter2') } } }),
  'HTTP Bearer header': 'curl -H "Authorization: Bearer Zq8X2rM7vT1nL5kQ9wE3yU6iO4pA" https://api.example.com',
  'command-line --password': 'vault login --password=hunter2 -address=https://vault:8200',
  'kubeadm join token': 'kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-unsafe-skip-ca-verification',
  'env assignment': 'export OS_PASSWORD=hunter2',
  'base64 of PEM': b64(PEM),
  'base64 of kubeconfig': b64(KUBECONFIG),
  'base64 of clouds.yaml': b64(CLOUDS_YAML),
  'gzip+base64 of PEM': gzipSync(PEM).toString('base64'),
  'gzip+base64 of kubeconfig': gzipSync(KUBECONFIG).toString('base64'),
};
