/**
 * How controllers get their informers: the scope of an informer, the provider that hands out
 * one per kind and scope, and the registry an operator starts and stops.
 *
 * @module
 */

import type { ResourceType } from "../client/resource_type.ts";
import type { Informer } from "./cache.ts";

/**
 * How an informer is scoped (one informer per kind and scope in a process).
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { Controller, SharedInformers } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // not called here
 * const informers = new SharedInformers(client);
 * new Controller({ resource: ConfigMaps, reconciler: { plan: () => plan(ConfigMaps) }, client })
 *   .owns(Secrets, { scope: { namespace: "prod", labelSelector: "app=web" } })
 *   .bind(informers);
 * for (const { resource, options } of informers.informers) {
 *   console.log(resource.kind, options.namespace, options.labelSelector);
 * }
 * // ConfigMap undefined undefined
 * // Secret prod app=web
 * ```
 */
export interface InformerScope {
  /** Only this namespace; all namespaces when absent. */
  readonly namespace?: string;
  /** A label selector in the API server's syntax. */
  readonly labelSelector?: string;
  /** A field selector in the API server's syntax. */
  readonly fieldSelector?: string;
}

/**
 * Where a controller gets its informers: the shared registry of the process (the operator's),
 * which watches each (kind, scope) once however many controllers read it.
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import {
 *   Controller,
 *   type InformerProvider,
 *   SharedInformers,
 * } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * // A provider that notes what a controller asks for, and hands out shared informers.
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // not called here
 * const shared = new SharedInformers(client);
 * const asked: string[] = [];
 * const informers: InformerProvider = {
 *   get: (resource, scope) => {
 *     asked.push(`${resource.kind} in ${scope?.namespace}`);
 *     return shared.get(resource, scope);
 *   },
 * };
 * new Controller({
 *   resource: ConfigMaps,
 *   reconciler: { plan: () => plan(ConfigMaps) },
 *   client,
 *   namespace: "prod",
 * })
 *   .owns(Secrets)
 *   .bind(informers);
 * console.log(asked); // [ "ConfigMap in prod", "Secret in prod" ]
 * ```
 */
export interface InformerProvider {
  /** The informer of `resource` in `scope` (created on first request). */
  get<T>(resource: ResourceType<T>, scope?: InformerScope): Informer<T>;
}

/**
 * The shared informers an operator runs (e.g. `SharedInformers`).
 *
 * @example
 * ```ts
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import {
 *   type InformerRegistry,
 *   Operator,
 *   SharedInformers,
 * } from "@staircase/staircase/controller";
 *
 * // The shared informers, with a note when the operator starts and stops their watches.
 * const shared = new SharedInformers(restClientFromHandler(() => Promise.resolve({})));
 * const informers: InformerRegistry = {
 *   get: (resource, scope) => shared.get(resource, scope),
 *   run: async (signal) => {
 *     console.log("watching");
 *     await shared.run(signal);
 *     console.log("stopped watching");
 *   },
 * };
 * const stop = new AbortController();
 * const running = new Operator({ informers }).run(stop.signal); // watching
 * stop.abort();
 * await running; // stopped watching
 * ```
 */
export interface InformerRegistry extends InformerProvider {
  /** Runs every informer (also those made later) until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}
