/**
 * Test doubles for the scheduling unit tests: an informer the test feeds by hand, a registry of
 * them, and a scripted RestClient that answers writes with increasing resourceVersions.
 *
 * @module
 */
import {
  compareResourceVersions,
  type JSONValue,
  KubernetesApiError,
  type RequestOptions,
  type ResourceType,
  type RestClient,
} from "../../lib/client/mod.ts";
import { decorateRestClient } from "../../lib/client/decorate.ts";
import type {
  CacheEvent,
  CacheListOptions,
  Informer,
  InformerRegistry,
} from "../../lib/controller/mod.ts";

interface Meta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
}

/** An informer whose state the test sets with `apply`. */
export class FakeInformer<T> implements Informer<T> {
  readonly resource: ResourceType<T>;
  synced = true;
  resourceVersion: string | undefined = "1";
  readonly #objects = new Map<string, T>();
  readonly #listeners = new Set<(event: CacheEvent<T>) => void>();
  #waiters: { version: string; resolve: () => void }[] = [];

  /** The scope, as `ResourceInformer.options` has it. */
  readonly options: { readonly namespace?: string };

  constructor(resource: ResourceType<T>, namespace?: string) {
    this.resource = resource;
    this.options = { namespace };
  }

  /** Applies a change and advances the resourceVersion to the object's. */
  apply(type: "added" | "modified" | "deleted", object: T): void {
    const meta = (object as { metadata: Meta }).metadata;
    const key = `${meta.namespace ?? ""}/${meta.name}`;
    const previous = this.#objects.get(key);
    if (type === "deleted") this.#objects.delete(key);
    else this.#objects.set(key, object);
    for (const listener of this.#listeners) listener({ type, object, previous });
    if (meta.resourceVersion) this.advance(meta.resourceVersion);
  }

  /** Moves the observed resourceVersion forward (a bookmark). */
  advance(version: string): void {
    this.resourceVersion = version;
    const ready = this.#waiters.filter((w) => this.hasObserved(w.version));
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve();
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#objects.get(`${namespace ?? ""}/${name}`);
  }

  list(options?: CacheListOptions): T[] {
    return [...this.#objects.values()].filter((o) =>
      options?.namespace === undefined ||
      (o as { metadata: Meta }).metadata.namespace === options.namespace
    );
  }

  hasObserved(version: string): boolean {
    return this.resourceVersion !== undefined &&
      compareResourceVersions(this.resourceVersion, version) >= 0;
  }

  waitUntilObserved(version: string, signal?: AbortSignal): Promise<void> {
    if (this.hasObserved(version)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ version, resolve });
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  }

  waitForSync(): Promise<void> {
    return Promise.resolve();
  }

  subscribe(listener: (event: CacheEvent<T>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** A registry of fake informers, one per kind. */
export class FakeRegistry implements InformerRegistry {
  readonly informers = new Map<string, FakeInformer<unknown>>();

  get<T>(resource: ResourceType<T>): FakeInformer<T> {
    let informer = this.informers.get(resource.kind);
    if (!informer) {
      informer = new FakeInformer(resource as ResourceType<unknown>);
      this.informers.set(resource.kind, informer);
    }
    return informer as FakeInformer<T>;
  }

  async run(signal: AbortSignal): Promise<void> {
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  }
}

/**
 * A scripted client for the scheduling unit tests, not an API server: writes answer with their
 * own body and the next resourceVersion, GETs come from `objects`. Nothing else of a server's
 * behaviour is imitated; the controller's behaviour against a server is tested against the real
 * one (`controller_integration_test.ts` and the other `*_integration_test.ts` files).
 */
export function fakeServer(): {
  client: RestClient;
  requests: RequestOptions[];
  objects: Map<string, JSONValue>;
} {
  let version = 100;
  const requests: RequestOptions[] = [];
  const objects = new Map<string, JSONValue>();
  const base: RestClient = { performRequest: () => Promise.reject(new Error("unused")) } as never;
  const client = decorateRestClient(base, (options) => {
    requests.push(options);
    if (options.method === "GET") {
      const found = objects.get(options.path);
      if (found === undefined) {
        return Promise.reject(
          new KubernetesApiError({ code: 404, reason: "NotFound", message: options.path }),
        );
      }
      return Promise.resolve(found);
    }
    const body = structuredClone(options.bodyJson ?? {}) as { metadata?: Meta };
    body.metadata = { ...body.metadata, resourceVersion: String(++version) };
    return Promise.resolve(body as JSONValue);
  });
  return { client, requests, objects };
}
