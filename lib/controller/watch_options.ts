/**
 * How `Controller.owns` and `Controller.watches` relate other objects to the primary ones: the
 * key mapper and the options.
 *
 * @module
 */

import type { InformerScope } from "./informer_provider.ts";
import type { Predicate } from "./predicates.ts";

/**
 * Maps a related object to the keys (`namespace/name`, or `name` for cluster-scoped kinds) of
 * the primary objects to reconcile.
 *
 * @typeParam T The related object's type.
 *
 * @example
 * ```ts
 * import type { KeyMapper } from "@staircase/staircase/controller";
 *
 * // Reconcile the App named by a ConfigMap's `app` label (as `controller.watches(ConfigMaps, byApp)`).
 * const byApp: KeyMapper<{ metadata?: { namespace?: string; labels?: Record<string, string> } }> =
 *   (object) => {
 *     const app = object.metadata?.labels?.["app"];
 *     return app ? [`${object.metadata?.namespace}/${app}`] : [];
 *   };
 * console.log(byApp({ metadata: { namespace: "default", labels: { app: "web" } } })); // [ "default/web" ]
 * console.log(byApp({ metadata: { namespace: "default" } })); // []
 * ```
 */
export type KeyMapper<T> = (object: T) => Iterable<string>;

/**
 * Options of `Controller.owns` and `Controller.watches`.
 *
 * @typeParam T The watched object type.
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { Controller, relevantChange, SharedInformers } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // not called here
 * const informers = new SharedInformers(client);
 * // Secrets in "vault" name the ConfigMap (in "prod") to reconcile; only relevant changes count.
 * new Controller({
 *   resource: ConfigMaps,
 *   reconciler: { plan: () => plan(ConfigMaps) },
 *   client,
 *   namespace: "prod",
 * })
 *   .watches(Secrets, (secret) => [`prod/${secret.metadata?.name}`], {
 *     predicate: relevantChange(),
 *     scope: { namespace: "vault" },
 *   })
 *   .bind(informers);
 * console.log(informers.informers.map(({ options }) => options.namespace)); // [ "prod", "vault" ]
 * ```
 */
export interface WatchOptions<T> {
  /**
   * Skip events this predicate rejects.
   *
   * @default {none: every event counts}
   */
  readonly predicate?: Predicate<T>;
  /**
   * The informer's scope.
   *
   * @default {{ namespace: <the controller's namespace> }} (all objects there)
   */
  readonly scope?: InformerScope;
}

/**
 * Options of `Controller.owns`.
 *
 * @typeParam T The child object type.
 *
 * @example Owning children by their metadata only
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { Controller, NotCachedError, SharedInformers } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // not called here
 * const controller = new Controller({
 *   resource: ConfigMaps,
 *   reconciler: { plan: () => plan(ConfigMaps) },
 *   client,
 * })
 *   .owns(Secrets, { metadataOnly: true });
 * controller.bind(new SharedInformers(client));
 * try {
 *   controller.cache.get(Secrets, "web-token", "prod"); // their bodies are not cached
 * } catch (error) {
 *   console.log(error instanceof NotCachedError); // true
 * }
 * ```
 */
export interface OwnsOptions<T> extends WatchOptions<T> {
  /**
   * Cache only the children's metadata (`PartialObjectMetadata`, controller-runtime's
   * `WatchesMetadata`): their changes still reconcile the owner and read-your-own-writes still
   * waits for them, but steps cannot read their bodies from `context.cache` (a
   * `NotCachedError`; read them live).
   *
   * @default {false}
   */
  readonly metadataOnly?: boolean;
}
