/** The parsed form of one request to a resource path, shared by the handlers. */
import type { TypeEntry } from './registry';

/** Who made a request (from the bearer token), as TokenReview reports users. */
export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Record<string, readonly string[]>;
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  readonly method: string;
  readonly verb: Verb;
  readonly type: TypeEntry;
  /** Version of the URL: objects are answered in it. */
  readonly version: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly query: URLSearchParams;
  /** Media type of the body, without parameters (`application/merge-patch+json`). */
  readonly contentType: string;
  /** The body parsed (JSON, or YAML for apply patches); undefined when empty. */
  readonly body: unknown;
  readonly user?: UserInfo;
  /** Field manager of the request: `fieldManager`, else the User-Agent up to its first `/`. */
  readonly manager: string;
  readonly dryRun: boolean;
}

/** What a handler answers. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}
