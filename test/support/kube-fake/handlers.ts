/**
 * The verbs of a resource path (list, get, create, update, patch, delete, deletecollection) and the
 * status subresource, over the store.
 */
import { applyPatch } from './field-manager';
import { clone, isObject, jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { groupVersion, TypeEntry } from './registry';
import type { Reply, ResourceRequest } from './request';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { errors } from './status';
import type { ObjectStore } from './store';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export class ResourceHandlers {
  constructor(private readonly store: ObjectStore) {}

  handle(req: ResourceRequest): Reply {
    if (req.subresource !== undefined && req.subresource !== 'status') throw errors.pathNotFound();
    if (req.subresource === 'status' && !req.type.subresources.includes('status')) throw errors.pathNotFound();
    if (!req.type.verbs.includes(req.verb)) {
      throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    switch (req.verb) {
      case 'list': return this.list(req);
      case 'watch': throw errors.methodNotAllowed('kube-fake does not serve watch requests');
      case 'get': return { status: 200, body: this.present(req, this.mustGet(req)) };
      case 'create': return this.create(req);
      case 'update': return this.update(req);
      case 'patch': return this.patch(req);
      case 'delete': return this.delete(req);
      case 'deletecollection': return this.deleteCollection(req);
    }
  }

  private present(req: ResourceRequest, obj: any): any {
    return this.store.present(req.type, obj, req.version);
  }

  private mustGet(req: ResourceRequest): any {
    const obj = this.store.get(req.type, req.namespace, req.name!);
    if (!obj) throw errors.notFound(req.type.plural, req.type.group, req.name!);
    return obj;
  }

  private selected(req: ResourceRequest): any[] {
    const labels = parseLabelSelector(req.query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(req.query.get('fieldSelector') ?? '', req.type.kind);
    return this.store.list(req.type, req.namespace).filter((o) => labels(o.metadata?.labels) && fields(o));
  }

  private list(req: ResourceRequest): Reply {
    let items = this.selected(req);
    const limit = Number(req.query.get('limit') ?? 0);
    const start = decodeContinue(req.query.get('continue'));
    let cont: string | undefined;
    items = items.slice(start);
    if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
      items = items.slice(0, limit);
      cont = Buffer.from(JSON.stringify({ start: start + limit })).toString('base64');
    }
    return { status: 200, body: this.listBody(req, items, cont) };
  }

  private listBody(req: ResourceRequest, items: any[], cont?: string): object {
    return {
      apiVersion: groupVersion(req.type.group, req.version),
      kind: `${req.type.kind}List`,
      metadata: { resourceVersion: this.store.resourceVersion, ...(cont ? { continue: cont } : {}) },
      // kube-apiserver writes apiVersion/kind into list items of custom resources only.
      items: items.map((o) => {
        const p = this.present(req, o);
        if (!req.type.builtin) return p;
        const { apiVersion: _a, kind: _k, ...rest } = p;
        return rest;
      }),
    };
  }

  private checkBody(req: ResourceRequest, body: unknown): any {
    if (!isObject(body)) throw errors.badRequest(`the body of the ${req.verb} request must be a ${req.type.kind} object`);
    const gv = groupVersion(req.type.group, req.version);
    if (body.apiVersion !== undefined && body.apiVersion !== gv && req.type.versions.every((v) => groupVersion(req.type.group, v) !== body.apiVersion)) {
      throw errors.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${gv})`);
    }
    if (body.kind !== undefined && body.kind !== req.type.kind) {
      throw errors.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${req.type.kind})`);
    }
    if (body.metadata !== undefined && !isObject(body.metadata)) throw errors.badRequest('metadata must be an object');
    const obj = clone(body);
    obj.metadata ??= {};
    if (req.type.namespaced) {
      if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== req.namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = req.namespace;
    }
    return obj;
  }

  private ctx(req: ResourceRequest) {
    return { dryRun: req.dryRun, manager: req.manager, apiVersion: groupVersion(req.type.group, req.version), subresource: req.subresource };
  }

  private create(req: ResourceRequest): Reply {
    // POST goes to the collection (or to a subresource such as eviction, handled elsewhere).
    if (req.subresource || req.name !== undefined) throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    if (req.type.namespaced && !req.namespace) throw errors.pathNotFound();
    const obj = this.checkBody(req, req.body);
    return { status: 201, body: this.present(req, this.store.create(req.type, obj, this.ctx(req))) };
  }

  private update(req: ResourceRequest): Reply {
    const obj = this.checkBody(req, req.body);
    if (obj.metadata.name !== undefined && obj.metadata.name !== req.name) {
      throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${req.name})`);
    }
    const old = this.mustGet(req);
    return { status: 200, body: this.present(req, this.store.update(req.type, old, obj, this.ctx(req)).object) };
  }

  private patch(req: ResourceRequest): Reply {
    const ct = req.contentType;
    if (ct === PATCH_TYPES.apply) {
      return applyPatch(this.store, req, (obj) => this.present(req, obj));
    }
    if (req.query.get('force') !== null) throw errors.badRequest('force: Forbidden: may not be specified for non-apply patch');
    if (ct !== PATCH_TYPES.json && ct !== PATCH_TYPES.merge && ct !== PATCH_TYPES.strategic) {
      throw errors.unsupportedMediaType(ct, acceptedPatchTypes(req.type));
    }
    if (ct === PATCH_TYPES.strategic && !req.type.builtin) throw errors.unsupportedMediaType(ct, acceptedPatchTypes(req.type));
    const old = this.mustGet(req);
    const current = this.present(req, old);
    const patched: unknown = ct === PATCH_TYPES.json ? jsonPatch(current, req.body)
      : ct === PATCH_TYPES.merge ? mergePatch(current, req.body) : strategicMergePatch(current, req.body);
    if (!isObject(patched)) throw errors.badRequest('the patch did not produce an object');
    if (!isObject(patched.metadata)) patched.metadata = {};
    const changedName = patched.metadata.name !== undefined && patched.metadata.name !== req.name;
    if (changedName) throw errors.invalid(req.type.kind, req.type.group, req.name!, [{ field: 'metadata.name', message: 'Invalid value: field is immutable' }]);
    // An unchanged resourceVersion is the stored one: only a patch that sets another one is a precondition.
    return { status: 200, body: this.present(req, this.store.update(req.type, old, patched, this.ctx(req)).object) };
  }

  private delete(req: ResourceRequest): Reply {
    const opts = isObject(req.body) ? req.body : {};
    const dryRun = req.dryRun || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
    const { object, deleted } = this.store.delete(req.type, req.namespace, req.name!, { dryRun, preconditions: opts.preconditions });
    return { status: 200, body: this.deleteAnswer(req, object, deleted) };
  }

  /** kube-apiserver answers a finished delete of a built-in type (pods aside) with a Status, else with the object. */
  private deleteAnswer(req: ResourceRequest, object: any, deleted: boolean): unknown {
    if (deleted && req.type.builtin && req.type.kind !== 'Pod') {
      return {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
        details: { name: object.metadata.name, group: req.type.group, kind: req.type.plural, uid: object.metadata.uid },
      };
    }
    return this.present(req, object);
  }

  private deleteCollection(req: ResourceRequest): Reply {
    const items = this.selected(req).map((o) => this.store.delete(req.type, o.metadata.namespace, o.metadata.name, { dryRun: req.dryRun }).object);
    return { status: 200, body: this.listBody(req, items) };
  }
}

function acceptedPatchTypes(type: TypeEntry): string[] {
  return [PATCH_TYPES.json, PATCH_TYPES.merge, ...(type.builtin ? [PATCH_TYPES.strategic] : []), PATCH_TYPES.apply];
}

function decodeContinue(token: string | null): number {
  if (!token) return 0;
  try {
    const { start } = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (Number.isInteger(start) && start >= 0) return start;
  } catch {
    // fall through
  }
  throw errors.badRequest(`invalid continue token: ${JSON.stringify(token)}`);
}
