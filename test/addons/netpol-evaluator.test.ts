import { NetworkPolicyEvaluator, Pod, selectorMatches } from '../support/netpol';

// The evaluator the flow-table tests rely on, checked against the documented NetworkPolicy semantics.
const namespaces = [{ name: 'a', labels: { team: 'a' } }, { name: 'b', labels: { team: 'b' } }];
const web: Pod = { name: 'web', namespace: 'a', labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }], ip: '10.0.0.10' };
const db: Pod = { name: 'db', namespace: 'a', labels: { app: 'db' }, ports: [{ name: 'pg', containerPort: 5432 }], ip: '10.0.0.11' };
const other: Pod = { name: 'other', namespace: 'b', labels: { app: 'web' }, ports: [], ip: '10.1.0.5' };
const np = (name: string, spec: object, namespace = 'a') => ({ kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

describe('NetworkPolicy evaluator', () => {
  test('an unselected pod admits everything; a selected pod only what a rule admits (default deny)', () => {
    const e = new NetworkPolicyEvaluator([np('db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [] })], namespaces);
    expect(e.ingressAllowed({ pod: db }, web, 8080)).toBe(true);
    expect(e.ingressAllowed({ pod: web }, db, 5432)).toBe(false);
  });

  test('policies add up', () => {
    const one = np('one', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] });
    const two = np('two', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 9187 }] }] });
    const e = new NetworkPolicyEvaluator([one, two], namespaces);
    expect([e.ingressAllowed({ pod: web }, db, 5432), e.ingressAllowed({ ip: '192.0.2.1' }, db, 9187), e.ingressAllowed({ ip: '192.0.2.1' }, db, 5432)]).toEqual([true, true, false]);
  });

  test('named ports resolve against the destination pod; protocol defaults to TCP; endPort ranges', () => {
    const e = new NetworkPolicyEvaluator([np('p', { podSelector: {}, ingress: [{ ports: [{ port: 'pg' }, { port: 9000, endPort: 9010 }] }] })], namespaces);
    expect(e.ingressAllowed({ pod: web }, db, 5432)).toBe(true);
    expect(e.ingressAllowed({ pod: db }, web, 5432)).toBe(false);
    expect(e.ingressAllowed({ pod: web }, db, 5432, 'UDP')).toBe(false);
    expect([e.ingressAllowed({ pod: web }, db, 9005), e.ingressAllowed({ pod: web }, db, 9011)]).toEqual([true, false]);
  });

  test('podSelector alone is the policy\'s namespace; with namespaceSelector both must match; ipBlock honours except', () => {
    const e = new NetworkPolicyEvaluator([
      np('same-ns', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 1 }] }] }),
      np('and', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } }, podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 2 }] }] }),
      np('ip', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.1.0.0/16', except: ['10.1.0.0/24'] } }], ports: [{ port: 3 }] }] }),
    ], namespaces);
    expect([e.ingressAllowed({ pod: web }, db, 1), e.ingressAllowed({ pod: other }, db, 1)]).toEqual([true, false]);
    expect([e.ingressAllowed({ pod: other }, db, 2), e.ingressAllowed({ pod: { ...other, labels: { app: 'api' } } }, db, 2)]).toEqual([false, true]);
    expect([e.ingressAllowed({ ip: '10.1.1.1' }, db, 3), e.ingressAllowed({ pod: other }, db, 3)]).toEqual([true, false]);
  });

  test('policyTypes: Egress is implied by egress rules; a connection needs egress and ingress', () => {
    const e = new NetworkPolicyEvaluator([np('web-out', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 'pg' }] }] })], namespaces);
    expect(e.selecting(web, 'Egress')).toHaveLength(1);
    expect(e.selecting(web, 'Ingress')).toHaveLength(1);
    expect(e.allowed({ pod: web }, db, 5432)).toBe(true);
    expect(e.allowed({ pod: web }, other, 80)).toBe(false);
    // web is selected for Ingress too (no ingress rules), so nothing gets in
    expect(e.ingressAllowed({ pod: db }, web, 8080)).toBe(false);
  });

  test('label selectors: matchLabels and matchExpressions', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, { app: 'web' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, { app: 'web' })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, { app: 'web' })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { app: 'web' })).toBe(true);
    expect(selectorMatches({}, {})).toBe(true);
  });
});
