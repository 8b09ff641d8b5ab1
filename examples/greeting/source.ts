/**
 * Where the operator loop reads Greetings from: a list (all namespaces or one) and a fresh read
 * of one Greeting before each Run.
 *
 * @module
 */

import { isNotFound, type RestClient } from "../../lib/client/mod.ts";
import { DemoStaircaseDevV1Api, type Greeting } from "./api/demo.staircase.dev/v1/mod.ts";

/**
 * Identifies one object: its namespace (absent for cluster-scoped objects) and name.
 *
 * @example
 * ```ts
 * import type { ObjectKey } from "./source.ts";
 *
 * const key: ObjectKey = { namespace: "default", name: "hello" };
 * console.log(key.name);
 * ```
 */
export interface ObjectKey {
  /** The namespace, or `undefined` for a cluster-scoped object. */
  readonly namespace: string | undefined;
  /** The name. */
  readonly name: string;
}

/**
 * The reads the operator loop needs for resources of type `R`.
 *
 * @typeParam R The resource type.
 *
 * @example An in-memory source (useful in tests)
 * ```ts
 * import type { ObjectKey, ResourceSource } from "./source.ts";
 *
 * interface Item { metadata: { name: string; namespace: string } }
 * const items: Item[] = [{ metadata: { name: "a", namespace: "default" } }];
 * const source: ResourceSource<Item> = {
 *   async *list() {
 *     yield* items;
 *   },
 *   get: (key: ObjectKey) =>
 *     Promise.resolve(items.find((i) => i.metadata.name === key.name)),
 * };
 * console.log((await source.get({ namespace: "default", name: "a" }))?.metadata.name);
 * ```
 */
export interface ResourceSource<R> {
  /** Lists every object the loop manages. */
  list(signal?: AbortSignal): AsyncIterable<R>;
  /** Reads one object afresh; `undefined` when it no longer exists. */
  get(key: ObjectKey, signal?: AbortSignal): Promise<R | undefined>;
}

/**
 * A {@linkcode ResourceSource} of Greetings read from the API server: in every namespace, or in
 * `namespace` only.
 *
 * @param client The client to read through.
 * @param namespace Restrict to this namespace; all namespaces when absent.
 * @returns The source.
 *
 * @example
 * ```ts ignore
 * import { kubeConfigClient } from "../../lib/client/mod.ts";
 * import { greetingSource } from "./source.ts";
 *
 * const source = greetingSource(await kubeConfigClient(), "default");
 * for await (const greeting of source.list()) console.log(greeting.metadata?.name);
 * ```
 */
export function greetingSource(client: RestClient, namespace?: string): ResourceSource<Greeting> {
  const api = new DemoStaircaseDevV1Api(client);
  return {
    list: (signal) =>
      namespace === undefined
        ? api.listAllGreetingsForAllNamespaces({ abortSignal: signal })
        : api.namespace(namespace).listAllGreetings({ abortSignal: signal }),
    get: async (key, signal) => {
      try {
        return await api.namespace(key.namespace ?? "").getGreeting(key.name, {
          abortSignal: signal,
        });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
  };
}
