/**
 * A rendered cluster as the fleet layouts keep it when they do not need its objects on the calling
 * thread: its file's YAML and its objects' JSON, both deflated, with the little the caller needs
 * besides (its name, its parts' warnings, its objects' identities for duplicate checks).
 *
 * A cluster of the bench fleet is about 39 KB of YAML and 36 KB of JSON, and about 6 KB of each once
 * deflated: 10,000 clusters kept this way take about 120 MB, where their objects take about 460 MB and
 * their YAML alone 390 MB. `FleetApp` keeps a `ClusterChart` in this form until a construct needs its
 * objects; the JSON gives them back exactly.
 */
import * as os from 'os';
import * as zlib from 'zlib';
import { ClusterRef } from '../cluster/cluster';
import { Warning } from '../rules/errors';
import { Manifest } from '../output/manifest';
import { ObjectIdentity } from '../output/object-identity';
import { stringifyManifests } from '../output/yaml';
import { clusterFileName, ClusterSpec, forEachCluster, RenderedCluster } from './render';
import { isJsonExact } from './thread-writer';
import { decodeEnvelope, Envelope } from './portable-spec';
import { PARALLEL_MIN_CLUSTERS, renderInParallel, renderThreadsAvailable } from './render-pool';

/** One part of a cluster (what one construct emits), without its objects. */
export interface ClusterOutputPart {
  /** Construct id in the cdk8s adapter: `cluster`, `control-plane`, `workers-<name>` or the component id. */
  readonly id: string;
  /** Subject for warnings, e.g. `WorkerGroup "prod-md"`. */
  readonly subject: string;
  readonly warnings: readonly Warning[];
  /** How many of the cluster's objects (in file order) are this part's. */
  readonly objectCount: number;
}

/** A validated, rendered cluster, kept compact. */
export interface ClusterOutput {
  /** The spec's position in the fleet. */
  readonly index: number;
  readonly ref: ClusterRef;
  /** The file it is written to: `<cluster name><extension>`. */
  readonly file: string;
  readonly objectCount: number;
  /** In emit order, as {@link RenderedCluster.parts}. */
  readonly parts: readonly ClusterOutputPart[];
  /** Every object's identity, in file order. */
  readonly identities: readonly ObjectIdentity[];
  /** The file's text (`stringifyManifests` of the objects), deflated (raw deflate, `zlib.inflateRawSync`). */
  readonly yaml: Uint8Array;
  /**
   * The objects (a JSON list, in file order), deflated; absent when the JSON round trip would not give
   * them back exactly ({@link isJsonExact}).
   */
  readonly json?: Uint8Array;
}

/** Fast deflate: the text is kept for minutes at most, and level 1 already takes it to a sixth. */
const DEFLATE = { level: 1 } as const;

/** The compact form of one rendered cluster. */
export function clusterOutput(rc: RenderedCluster, index: number, ext: string): ClusterOutput {
  const manifests: Manifest[] = [];
  const parts: ClusterOutputPart[] = [];
  for (const part of rc.parts) {
    for (const m of part.manifests) manifests.push(m);
    parts.push({ id: part.id, subject: part.subject, warnings: part.warnings, objectCount: part.manifests.length });
  }
  const identities = manifests.map(identityOf);
  return {
    index,
    ref: rc.ref,
    file: clusterFileName(rc.ref.name, ext),
    objectCount: manifests.length,
    parts,
    identities,
    yaml: deflate(stringifyManifests(manifests)),
    json: isJsonExact(manifests) ? deflate(JSON.stringify(manifests)) : undefined,
  };
}

/**
 * `text` deflated, in an ArrayBuffer of its own size. zlib hands back a view of its 16 KB output chunk,
 * so a cluster's 6 KB of deflated YAML would keep the whole chunk alive (10,000 kept clusters held about
 * 310 MB of buffers instead of about 115 MB), and a render thread transferring it would send the chunk.
 */
function deflate(text: string): Buffer {
  const own = new Uint8Array(zlib.deflateRawSync(text, DEFLATE));
  return Buffer.from(own.buffer, 0, own.byteLength);
}

function identityOf(m: Manifest): ObjectIdentity {
  const { name, namespace } = m.metadata;
  return { apiVersion: m.apiVersion, kind: m.kind, metadata: namespace === undefined ? { name } : { name, namespace } };
}

/** The YAML text of a {@link ClusterOutput}. */
export function outputYaml(out: ClusterOutput): string {
  return zlib.inflateRawSync(out.yaml).toString('utf8');
}

/** The objects of a {@link ClusterOutput}, or undefined when it does not carry them ({@link ClusterOutput.json}). */
export function outputManifests(out: ClusterOutput): Manifest[] | undefined {
  return out.json && JSON.parse(zlib.inflateRawSync(out.json).toString('utf8')) as Manifest[];
}

/**
 * Validates and renders every cluster of the fleet like {@link renderClusters} (every problem of every
 * cluster in one ValidationError, cluster names unique), handing each valid cluster's compact form
 * to `use`, in fleet order, while no problem has been found; throws the problems at the end.
 * Fleets of 3,000 clusters or more (PARALLEL_MIN_CLUSTERS) on a machine with more than one CPU are rendered on render threads
 * (render-pool.ts), with the same outputs, warnings and errors as on the calling thread.
 */
export function forEachClusterOutput(specs: readonly ClusterSpec[], ext: string, use: (out: ClusterOutput) => void): void {
  forEachClusterOutputWith(specs, ext, use, {});
}

/** {@link forEachClusterOutput}; `parallel` forces render threads (true) or the calling thread (false). For the library's tests. */
export function forEachClusterOutputWith(specs: readonly ClusterSpec[], ext: string, use: (out: ClusterOutput) => void, options: { readonly parallel?: boolean }): void {
  const parallel = (options.parallel ?? (Array.isArray(specs) && specs.length >= PARALLEL_MIN_CLUSTERS && os.availableParallelism() > 1)) && renderThreadsAvailable();
  if (!parallel) {
    forEachCluster(specs, ext, (rc, i) => use(clusterOutput(rc, i, ext)));
    return;
  }
  renderInParallel<ClusterOutput>(specs, { mode: 'output', ext, output: { local: (rc, i) => clusterOutput(rc, i, ext), remote: sentOutput } }, (c) => use(c.output!));
}

/** A ClusterOutput a render thread sent: its ref decoded (portable-spec.ts), its deflated texts as Buffers (as `clusterOutput` makes them). */
function sentOutput(sent: unknown): ClusterOutput | undefined {
  const out = sent as Omit<ClusterOutput, 'yaml' | 'json'> & { yaml: Uint8Array; json?: Uint8Array };
  const buffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return {
    index: out.index, ref: decodeEnvelope(out.ref as unknown as Envelope)[0] as ClusterRef, file: out.file, objectCount: out.objectCount, parts: out.parts,
    identities: out.identities, yaml: buffer(out.yaml), json: out.json && buffer(out.json),
  };
}
