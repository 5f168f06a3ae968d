/**
 * Mutual exclusion through the Kubernetes API: a coordination.k8s.io/v1 Lease, so that any number of
 * processes (service replicas, CLI users) never run two operations on the same thing at once.
 *
 * - Acquire: create the Lease (409 AlreadyExists: someone else was first, read again), or take over an
 *   expired or released one with a replace carrying the resourceVersion read (409 Conflict: someone else
 *   took it, read again). A Lease held by another live holder is waited for, up to `waitMs`.
 * - Hold: renewed every third of `durationSeconds`, again with the resourceVersion precondition; a holder
 *   that dies stops renewing, and the Lease expires after `durationSeconds`. kube-apiserver creates a
 *   Lease on a replace of a missing one, so a slow holder's renewal after another holder took the Lease
 *   over and released it makes a new Lease: the renewal sees the new uid, counts the Lease as lost, and
 *   deletes what it made.
 * - Release: delete with a resourceVersion precondition (only the Lease as this holder last wrote it).
 * - Confirm: right before a write that the Lease guards, the holder renews once more with the
 *   precondition, and writes only if that renewal succeeded. A holder that stalled for longer than the
 *   duration (a paused process, a stalled connection) and was taken over then finds out before it writes.
 *
 * The caller checks its rule again after acquiring: what it read before may have changed while it waited.
 * A Lease left by a holder that was killed is taken over once it has expired; the new holder learns
 * whose it was ({@link HeldLease.takenOver}), so that it can say so.
 */
import { hostname } from 'os';
import { randomBytes } from 'crypto';
import { CoordinationV1Api, KubeConfig, V1Lease } from '@kubernetes/client-node';
import { describeApiError, statusCode } from './api-errors';

/** `<hostname>_<pid>_<random>`: one identity per process, distinct across restarts and replicas. */
export function processIdentity(): string {
  return `${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** The identity of this process (made once); each service instance or NodeOperations makes its own with {@link processIdentity}. */
export const PROCESS_IDENTITY = processIdentity();

/** Time source and sleep of the waits (the node operations' Clock has this shape). */
export interface LeaseClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const SYSTEM_CLOCK: LeaseClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export interface LeaseOptions {
  /** Holder identity. @default PROCESS_IDENTITY */
  readonly identity?: string;
  /** `spec.leaseDurationSeconds`: how long the Lease stays valid without renewal. @default 15 */
  readonly durationSeconds?: number;
  /** How long to wait for a Lease held by another live holder before giving up. @default 10000 */
  readonly waitMs?: number;
  /** Interval between tries while waiting. @default 200 */
  readonly pollMs?: number;
  /** @default the system clock */
  readonly clock?: LeaseClock;
}

/** The Lease is held by another live holder (after waiting `waitMs`). */
export class LeaseHeldError extends Error {
  constructor(readonly namespace: string, readonly leaseName: string, readonly holder: string, readonly renewTime: string | undefined) {
    super(`Lease ${namespace}/${leaseName} is held by ${holder}${renewTime ? ` (renewed at ${renewTime})` : ''}: another operation is in progress`);
    this.name = 'LeaseHeldError';
    Object.setPrototypeOf(this, LeaseHeldError.prototype);
  }
}

/** An expired Lease that was taken over: its holder never released it (it was killed, or lost the API). */
export interface TakenOverLease {
  readonly holder: string;
  /** When that holder last renewed it (RFC 3339), if it said. */
  readonly renewTime?: string;
  readonly durationSeconds?: number;
}

/** A held Lease. */
export interface HeldLease {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  /** Set when a renewal found the Lease taken by another holder (this holder was too slow to renew). */
  readonly lost: boolean;
  /** Set when this holder acquired the Lease by taking over an expired one that another holder left. */
  readonly takenOver?: TakenOverLease;
  /**
   * Renews the Lease now, with the resourceVersion precondition: true when this holder still holds it,
   * false when it was lost (taken over or deleted). Call it right before a write the Lease guards. Throws
   * the API error when the renewal failed otherwise (whether the Lease is still held is then unknown).
   */
  confirm(): Promise<boolean>;
  /** Stops renewing and deletes the Lease (if still as this holder wrote it). Never throws. */
  release(): Promise<void>;
}

/** Whether a Lease is held by a live holder at `nowMs`: a holder identity and a renewTime within the duration. */
export function leaseIsHeld(lease: V1Lease | undefined, nowMs: number): boolean {
  const spec = lease?.spec;
  if (!spec?.holderIdentity) return false;
  const renewed = spec.renewTime ?? spec.acquireTime;
  if (renewed === undefined) return false;
  const t = new Date(renewed as unknown as string).getTime();
  if (Number.isNaN(t)) return false;
  return nowMs < t + (spec.leaseDurationSeconds ?? 0) * 1000;
}

/** A MicroTime field as the client returns it (a Date, or the string the server sent) as text. */
function timeText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return v instanceof Date ? v.toISOString() : String(v);
}

/** The Lease body, with the MicroTime fields as kube-apiserver parses them (RFC 3339 with 6 fraction digits). */
function leaseBody(namespace: string, name: string, identity: string, durationSeconds: number, acquireTime: string, transitions: number, resourceVersion?: string): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: acquireTime as never,
      renewTime: microTime(new Date()) as never,
      leaseTransitions: transitions,
    },
  };
}

/** RFC 3339 with microseconds (metav1.MicroTime). */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Raw Lease calls over the KubeConfig: reads, creates, replaces and deletes with preconditions. */
export class LeaseClient {
  private readonly api: CoordinationV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.api = kubeConfig.makeApiClient(CoordinationV1Api);
  }

  async read(namespace: string, name: string): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ namespace, name });
    } catch (e) {
      if (statusCode(e) === 404) return undefined;
      throw e;
    }
  }

  create(body: V1Lease): Promise<V1Lease> {
    return this.api.createNamespacedLease({ namespace: body.metadata!.namespace!, body });
  }

  replace(body: V1Lease): Promise<V1Lease> {
    return this.api.replaceNamespacedLease({ namespace: body.metadata!.namespace!, name: body.metadata!.name!, body });
  }

  async delete(namespace: string, name: string, resourceVersion: string): Promise<void> {
    await this.api.deleteNamespacedLease({ namespace, name, body: { preconditions: { resourceVersion } } });
  }
}

/**
 * Acquires the Lease `namespace/name`, waiting up to `waitMs` for another holder to release it or for it
 * to expire. Throws {@link LeaseHeldError} when it stays held, and the API error for any other failure.
 */
export async function acquireLease(client: LeaseClient, namespace: string, name: string, options: LeaseOptions = {}): Promise<HeldLease> {
  const identity = options.identity ?? PROCESS_IDENTITY;
  const duration = options.durationSeconds ?? 15;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const waitUntil = clock.now() + (options.waitMs ?? 10000);
  for (;;) {
    const current = await client.read(namespace, name);
    let written: V1Lease | undefined;
    let takenOver: TakenOverLease | undefined;
    try {
      if (current === undefined) {
        written = await client.create(leaseBody(namespace, name, identity, duration, microTime(new Date()), 0));
      } else if (!leaseIsHeld(current, Date.now())) {
        // taken over only once expired or released, even by the same identity: a holder never acquires twice
        const transitions = (current.spec?.leaseTransitions ?? 0) + 1;
        written = await client.replace(leaseBody(namespace, name, identity, duration, microTime(new Date()), transitions, current.metadata?.resourceVersion));
        const holder = current.spec?.holderIdentity;
        if (holder) {
          const renewTime = timeText(current.spec?.renewTime ?? current.spec?.acquireTime);
          takenOver = { holder, ...(renewTime ? { renewTime } : {}), ...(current.spec?.leaseDurationSeconds !== undefined ? { durationSeconds: current.spec.leaseDurationSeconds } : {}) };
        }
      }
    } catch (e) {
      // 409: AlreadyExists (create) or Conflict (stale resourceVersion): another process was first
      if (statusCode(e) !== 409) throw e;
    }
    if (written) return hold(client, written, identity, duration, takenOver);
    if (clock.now() >= waitUntil) {
      const latest = current ?? await client.read(namespace, name);
      throw new LeaseHeldError(namespace, name, latest?.spec?.holderIdentity ?? 'another process', timeText(latest?.spec?.renewTime));
    }
    await clock.sleep(options.pollMs ?? 200);
  }
}

function hold(client: LeaseClient, lease: V1Lease, identity: string, duration: number, takenOver?: TakenOverLease): HeldLease {
  const namespace = lease.metadata!.namespace!;
  const name = lease.metadata!.name!;
  const uid = lease.metadata?.uid;
  let latest = lease;
  let lost = false;
  let renewing: Promise<unknown> = Promise.resolve();
  /** One renewal; resolves to the API error of a failure other than losing the Lease. */
  const renew = async (): Promise<unknown> => {
    if (lost) return undefined;
    try {
      const renewed = await client.replace(leaseBody(namespace, name, identity, duration, String(latest.spec?.acquireTime instanceof Date ? microTime(latest.spec.acquireTime) : latest.spec?.acquireTime), latest.spec?.leaseTransitions ?? 0, latest.metadata?.resourceVersion));
      if (uid !== undefined && renewed.metadata?.uid !== undefined && renewed.metadata.uid !== uid) {
        // the Lease had been released by another holder, and this replace created a new one: not ours to hold
        lost = true;
        await client.delete(namespace, name, renewed.metadata.resourceVersion!).catch(() => undefined);
        return undefined;
      }
      latest = renewed;
      return undefined;
    } catch (e) {
      // 409: another holder has it; 404: it is gone
      if (statusCode(e) === 409 || statusCode(e) === 404) {
        lost = true;
        return undefined;
      }
      // any other failure: try again at the next tick; the Lease expires if it keeps failing
      return e;
    }
  };
  const timer = setInterval(() => { renewing = renewing.then(renew); }, Math.max(1, Math.floor((duration * 1000) / 3)));
  timer.unref();
  return {
    namespace,
    name,
    identity,
    get lost() { return lost; },
    ...(takenOver ? { takenOver } : {}),
    async confirm() {
      const now = renewing.then(renew);
      renewing = now;
      const failed = await now;
      if (lost) return false;
      if (failed !== undefined) throw failed;
      return true;
    },
    async release() {
      clearInterval(timer);
      await renewing;
      if (lost) return;
      try {
        await client.delete(namespace, name, latest.metadata!.resourceVersion!);
      } catch {
        // gone or taken over already, or the API failed: the Lease expires by itself
      }
    },
  };
}

/** Runs `fn` while holding the Lease, released afterwards whatever `fn` does. */
export async function withLease<T>(client: LeaseClient, namespace: string, name: string, options: LeaseOptions, fn: (lease: HeldLease) => Promise<T>): Promise<T> {
  const lease = await acquireLease(client, namespace, name, options);
  try {
    return await fn(lease);
  } finally {
    await lease.release();
  }
}

/** A short description of a Lease API failure (never a credential). */
export function describeLeaseError(e: unknown): string {
  return e instanceof LeaseHeldError ? e.message : describeApiError(e).split('\n')[0];
}
