/**
 * What the calling thread (render-pool.ts) and the render threads (render-worker.ts) of the parallel
 * fleet render say to each other.
 */
import type { MessagePort } from 'worker_threads';
import type { Warning } from '../rules/errors';

/** [0]: answers posted (all threads), [1]: 1 once the calling thread has seen a problem (write nothing more), [2]: 1 once a thread failed. */
export const PROGRESS = 0;
export const STOP = 1;
export const FAILED = 2;

/** What a render thread is started with. */
export interface RenderThreadData {
  readonly mode: 'write' | 'output';
  /** The generation directory (`write` mode). */
  readonly dir?: string;
  readonly ext: string;
  readonly state: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** A request to a render thread. */
export type RenderRequest =
  /** Clusters to render: their fleet indices, in fleet order, and their specs in one portable envelope (portable-spec.ts), in the same order. */
  | { readonly t: 'batch'; readonly items: readonly number[]; readonly specs: unknown }
  /** A cluster rendered on the calling thread, to write: its objects as JSON, or its finished text. */
  | { readonly t: 'write'; readonly i: number; readonly file: string; readonly json?: string; readonly text?: string }
  /** fsync every file this thread wrote. */
  | { readonly t: 'fsync' };

/** A file system error, as the calling thread re-creates it. */
export interface ThreadError {
  readonly message: string;
  readonly code?: string;
  readonly syscall?: string;
  readonly stack?: string;
}

/** The result of one cluster of a batch. */
export type ClusterResult =
  /** Invalid: the issues of its ValidationError. */
  | { readonly i: number; readonly issues: readonly { path: string; message: string }[] }
  /** Failed with an error other than a ValidationError (the calling thread renders it again, to throw it as the single-thread path does). */
  | { readonly i: number; readonly failed: true }
  | {
    readonly i: number;
    readonly name: string;
    readonly objectCount: number;
    readonly warnings: readonly { readonly subject: string; readonly warning: Warning }[];
    /** `output` mode, while no problem was seen: the ClusterOutput, its `ref` in a portable envelope (absent when the ref is not portable). */
    readonly output?: unknown;
    /** `write` mode: the file could not be written. */
    readonly writeError?: ThreadError;
  };

/** An answer of a render thread. */
export type RenderAnswer =
  | { readonly t: 'batch'; readonly results: readonly ClusterResult[] }
  | { readonly t: 'written'; readonly i: number; readonly writeError?: ThreadError }
  | { readonly t: 'synced'; readonly error?: ThreadError }
  | { readonly t: 'failed'; readonly error: ThreadError };

export function threadError(e: unknown): ThreadError {
  const err = e as NodeJS.ErrnoException;
  return { message: String(err?.message ?? e), code: err?.code, syscall: err?.syscall, stack: err?.stack };
}
