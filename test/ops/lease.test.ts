/**
 * Leases through the Kubernetes API (the kube-fake, which serves coordination.k8s.io/v1 Leases with
 * create conflicts and resourceVersion preconditions as kube-apiserver does).
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { acquireLease, LeaseClient, LeaseHeldError, leaseIsHeld, microTime, withLease } from '../../lib/ops/lease';
import { auditing, withAuditId } from '../../lib/ops/audit';
import { KubeFake, startKubeFake } from '../support/kube-fake';

let fake: KubeFake;
beforeAll(async () => { fake = await startKubeFake(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => fake.reset());

const LEASE = 'coordination.k8s.io/v1';

describe('acquireLease', () => {
  it('lets exactly one of many concurrent acquirers hold the Lease', async () => {
    const client = new LeaseClient(fake.kubeConfig());
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_v, i) => acquireLease(client, 'default', 'race-1', { identity: `p${i}`, waitMs: 0 })));
    const held = results.filter((r) => r.status === 'fulfilled');
    expect(held).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LeaseHeldError);
    const holder = (held[0] as PromiseFulfilledResult<{ identity: string; release(): Promise<void> }>).value;
    expect(fake.get(LEASE, 'Lease', 'default', 'race-1').spec.holderIdentity).toBe(holder.identity);
    await holder.release();
    expect(fake.get(LEASE, 'Lease', 'default', 'race-1')).toBeUndefined();
  });

  it('waits for a held Lease and gets it once released; refuses after waitMs naming the holder', async () => {
    const client = new LeaseClient(fake.kubeConfig());
    const a = await acquireLease(client, 'default', 'wait-1', { identity: 'a' });
    await expect(acquireLease(client, 'default', 'wait-1', { identity: 'b', waitMs: 50, pollMs: 10 }))
      .rejects.toThrow(/Lease default\/wait-1 is held by a/);
    const b = acquireLease(client, 'default', 'wait-1', { identity: 'b', waitMs: 5000, pollMs: 10 });
    setTimeout(() => { void a.release(); }, 50);
    const held = await b;
    expect(fake.get(LEASE, 'Lease', 'default', 'wait-1').spec.holderIdentity).toBe('b');
    await held.release();
  });

  it('takes over an expired Lease (its holder died) and counts the transition', async () => {
    fake.seed({
      apiVersion: LEASE, kind: 'Lease', metadata: { name: 'dead-1', namespace: 'default' },
      spec: { holderIdentity: 'dead', leaseDurationSeconds: 1, renewTime: microTime(new Date(Date.now() - 5000)), leaseTransitions: 2 },
    });
    const client = new LeaseClient(fake.kubeConfig());
    const held = await acquireLease(client, 'default', 'dead-1', { identity: 'alive', waitMs: 0 });
    const lease = fake.get(LEASE, 'Lease', 'default', 'dead-1');
    expect(lease.spec).toMatchObject({ holderIdentity: 'alive', leaseTransitions: 3 });
    // the take-over was a replace guarded by the resourceVersion read
    const put = fake.writes().find((w) => w.method === 'PUT' && w.resource === 'leases');
    expect((put?.body as any).metadata.resourceVersion).toEqual(expect.any(String));
    // and the new holder learns whose Lease it took over, to say so
    expect(held.takenOver).toEqual({ holder: 'dead', renewTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), durationSeconds: 1 });
    await held.release();
  });

  it('a Lease acquired fresh or after a release was taken over from no one', async () => {
    const client = new LeaseClient(fake.kubeConfig());
    const first = await acquireLease(client, 'default', 'fresh-1', { identity: 'a' });
    expect(first.takenOver).toBeUndefined();
    await first.release();
    const second = await acquireLease(client, 'default', 'fresh-1', { identity: 'b' });
    expect(second.takenOver).toBeUndefined();
    await second.release();
  });

  it('confirm renews with the resourceVersion read; it is false once another holder has the Lease or it is gone, and leaves no Lease of its own', async () => {
    const client = new LeaseClient(fake.kubeConfig());
    const held = await acquireLease(client, 'default', 'confirm-1', { identity: 'slow' });
    expect(await held.confirm()).toBe(true);
    const put = fake.writes().find((w) => w.method === 'PUT' && w.resource === 'leases');
    expect((put?.body as any).metadata.resourceVersion).toEqual(expect.any(String));
    // another process takes it over (as it would once it expired)
    const now = await client.read('default', 'confirm-1');
    await client.replace({ ...now!, spec: { ...now!.spec, holderIdentity: 'fast' } });
    expect(await held.confirm()).toBe(false);
    expect(held.lost).toBe(true);
    await held.release();
    expect(fake.get(LEASE, 'Lease', 'default', 'confirm-1').spec.holderIdentity).toBe('fast');
    // a holder whose Lease was released by the one that took it over
    const other = await acquireLease(client, 'default', 'confirm-2', { identity: 'slow' });
    const taken = await client.read('default', 'confirm-2');
    await client.delete('default', 'confirm-2', taken!.metadata!.resourceVersion!);
    expect(await other.confirm()).toBe(false);
    expect(fake.get(LEASE, 'Lease', 'default', 'confirm-2')).toBeUndefined();
    await other.release();
  });

  it('a replace with a stale resourceVersion is a 409 Conflict, so a take-over race has one winner', async () => {
    fake.seed({
      apiVersion: LEASE, kind: 'Lease', metadata: { name: 'stale-1', namespace: 'default' },
      spec: { holderIdentity: 'dead', leaseDurationSeconds: 1, renewTime: microTime(new Date(Date.now() - 5000)) },
    });
    const client = new LeaseClient(fake.kubeConfig());
    const before = await client.read('default', 'stale-1');
    await client.replace({ ...before!, spec: { ...before!.spec, holderIdentity: 'x' } });
    await expect(client.replace({ ...before!, spec: { ...before!.spec, holderIdentity: 'y' } })).rejects.toMatchObject({ code: 409 });
    await expect(client.delete('default', 'stale-1', before!.metadata!.resourceVersion!)).rejects.toMatchObject({ code: 409 });
  });

  it('never lets the same identity acquire a held Lease twice (two holders in one process wait for each other)', async () => {
    const client = new LeaseClient(fake.kubeConfig());
    const first = await acquireLease(client, 'default', 'same-1', { identity: 'p' });
    await expect(acquireLease(client, 'default', 'same-1', { identity: 'p', waitMs: 30, pollMs: 10 })).rejects.toBeInstanceOf(LeaseHeldError);
    await first.release();
  });

  it('withLease releases the Lease when the work throws', async () => {
    const client = new LeaseClient(fake.kubeConfig());
    await expect(withLease(client, 'default', 'throw-1', {}, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(fake.get(LEASE, 'Lease', 'default', 'throw-1')).toBeUndefined();
  });
});

describe('leaseIsHeld', () => {
  it('is true only with a holder and a renewTime within the duration', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    const spec = (renew: string, holder = 'h') => ({ spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: renew as never } });
    expect(leaseIsHeld(spec('2026-12-07T09:59:50.000000Z'), now)).toBe(true);
    expect(leaseIsHeld(spec('2026-12-07T09:59:40.000000Z'), now)).toBe(false);
    expect(leaseIsHeld(spec('2026-12-07T09:59:50.000000Z', ''), now)).toBe(false);
    expect(leaseIsHeld(undefined, now)).toBe(false);
  });
});

describe('auditing', () => {
  it('sends the current audit id as Audit-ID on every call, and none outside withAuditId', async () => {
    const kc = auditing(fake.kubeConfig());
    const core = kc.makeApiClient(CoreV1Api);
    await withAuditId('req-42', () => core.listNamespace());
    await core.listNamespace();
    const lists = fake.requests.filter((r) => r.path === '/api/v1/namespaces');
    expect(lists.map((r) => r.auditId)).toEqual(['req-42', undefined]);
  });
});
