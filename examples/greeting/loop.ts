/**
 * A small, honest operator loop: list the resources, run one Run at a time, follow each
 * RunResult's action, relist periodically. It stands in for the controller runtime (watches,
 * caches, work queues) that staircase does not have yet: without watches, "await change" means
 * "until the next relist", and every relist re-runs every resource (a periodic resync), which is
 * also what catches drift in child objects.
 *
 * @module
 */

import type { Logger, Reconciler, RunExecutor, RunResult, Unscoped } from "../../lib/steps/mod.ts";
import type { ObjectKey, ResourceSource } from "./source.ts";

/**
 * Settings of {@linkcode runOperatorLoop}.
 *
 * @typeParam R The resource type.
 *
 * @example
 * ```ts ignore
 * import type { OperatorLoopOptions } from "./loop.ts";
 * import type { Greeting } from "./api/demo.staircase.dev/v1/mod.ts";
 *
 * declare const options: OperatorLoopOptions<Greeting>;
 * console.log(options.relistIntervalMs);
 * ```
 */
export interface OperatorLoopOptions<R> {
  /** Lists the resources and reads each afresh before its Run. */
  readonly source: ResourceSource<Unscoped<R>>;
  /** Builds each Run's plan. */
  readonly reconciler: Reconciler<R>;
  /** Runs the plans (carries the client, status writer and per-step timeout). */
  readonly executor: RunExecutor<R>;
  /** Stop once nothing is due (every resource in sync, waiting, or given up on). */
  readonly once?: boolean;
  /** How often to relist (and re-run) every resource; default 30 000 ms. */
  readonly relistIntervalMs?: number;
  /** With `once`: give up on a resource after this many failed Runs in a row; default 5. */
  readonly maxFailures?: number;
  /** Shutdown: ends the loop between Runs and aborts the running one. */
  readonly signal?: AbortSignal;
  /** Where the loop logs. */
  readonly logger?: Logger;
  /** Called after every Run, e.g. to print it. */
  readonly onRun?: (key: ObjectKey, result: RunResult) => void;
}

/**
 * What {@linkcode runOperatorLoop} did.
 *
 * @example
 * ```ts
 * import type { LoopSummary } from "./loop.ts";
 *
 * const summary: LoopSummary = { runs: 4, inSync: ["default/hello"], waiting: [], failed: [] };
 * console.log(summary.failed.length === 0 ? "ok" : "failures");
 * ```
 */
export interface LoopSummary {
  /** How many Runs ran. */
  readonly runs: number;
  /** Resources (`namespace/name`) whose last Run was in sync. */
  readonly inSync: readonly string[];
  /** Resources whose last Run ended waiting (or modified, when stopped before the next Run). */
  readonly waiting: readonly string[];
  /** Resources whose last Run failed. */
  readonly failed: readonly string[];
}

interface Entry {
  key: ObjectKey;
  due: number;
  failures: number;
}

/** Retry delays after failed Runs: 0.5 s doubling to at most 60 s. */
function backoffMs(failures: number): number {
  return Math.min(60_000, 500 * 2 ** Math.max(0, failures - 1));
}

function keyString(key: ObjectKey): string {
  return key.namespace === undefined ? key.name : `${key.namespace}/${key.name}`;
}

function keyOf(resource: unknown): ObjectKey | undefined {
  const metadata = (resource as { metadata?: { name?: string; namespace?: string } })?.metadata;
  if (!metadata?.name) return undefined;
  return { namespace: metadata.namespace, name: metadata.name };
}

/** Resolves after `ms`, or early when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Runs the operator loop until `signal` aborts (or, with `once`, until nothing is due).
 *
 * - Each Run reads its resource afresh (every Run starts from observed state), then asks the
 *   executor to reconcile it. One resource is reconciled at a time.
 * - Actions: `requeue` runs it again now; `requeue-after` after the delay; `await-change` waits
 *   for the next relist; `retry-with-backoff` retries after 0.5 s doubling up to 60 s;
 *   `abandon` (shutdown) ends the loop.
 * - A relist that fails is retried after 5 s; with `once`, it ends the loop with that error
 *   (there is nothing to work on).
 *
 * @typeParam R The resource type.
 * @param options The source, reconciler, executor and settings.
 * @returns What happened, per resource.
 * @throws The first relist's error, with `once`.
 *
 * @example
 * ```ts ignore
 * import { RunExecutor } from "../../lib/steps/mod.ts";
 * import { MergePatchStatusWriter } from "../../lib/status/mod.ts";
 * import { kubeConfigClient } from "../../lib/client/mod.ts";
 * import { runOperatorLoop } from "./loop.ts";
 * import { Greetings } from "./greetings.ts";
 * import { greetingReconciler } from "./reconciler.ts";
 * import { greetingSource } from "./source.ts";
 *
 * const client = await kubeConfigClient();
 * const summary = await runOperatorLoop({
 *   source: greetingSource(client),
 *   reconciler: greetingReconciler,
 *   executor: new RunExecutor({
 *     client,
 *     statusWriter: new MergePatchStatusWriter(client, Greetings),
 *   }),
 *   once: true,
 * });
 * console.log(summary);
 * ```
 */
export async function runOperatorLoop<R>(options: OperatorLoopOptions<R>): Promise<LoopSummary> {
  const { source, reconciler, executor, once = false, signal, logger, onRun } = options;
  const relistIntervalMs = options.relistIntervalMs ?? 30_000;
  const maxFailures = options.maxFailures ?? 5;
  const queue = new Map<string, Entry>();
  const last = new Map<string, "in-sync" | "waiting" | "failed">();
  let runs = 0;
  let nextRelist = 0;
  let firstList = true;

  while (!signal?.aborted) {
    if ((!once || firstList) && Date.now() >= nextRelist) {
      try {
        const seen = new Set<string>();
        for await (const resource of source.list(signal)) {
          const key = keyOf(resource);
          if (key === undefined) continue;
          const id = keyString(key);
          seen.add(id);
          // A relist re-runs everything (periodic resync); keep pending retries' backoff.
          if (!queue.has(id)) queue.set(id, { key, due: Date.now(), failures: 0 });
        }
        for (const id of [...last.keys()]) if (!seen.has(id)) last.delete(id);
        nextRelist = Date.now() + relistIntervalMs;
        logger?.debug("relisted", { count: seen.size });
      } catch (error) {
        if (signal?.aborted) break;
        if (once) throw error;
        logger?.warn("relist failed; retrying in 5 s", { error });
        nextRelist = Date.now() + Math.min(5_000, relistIntervalMs);
      }
      firstList = false;
    }

    let next: Entry | undefined;
    for (const entry of queue.values()) if (!next || entry.due < next.due) next = entry;
    const now = Date.now();
    if (next === undefined || next.due > now) {
      if (once && next === undefined) break;
      const until = Math.min(next?.due ?? Infinity, once ? Infinity : nextRelist);
      await sleep(until - now, signal);
      continue;
    }

    const id = keyString(next.key);
    queue.delete(id);
    let result: RunResult;
    try {
      const resource = await source.get(next.key, signal);
      if (resource === undefined) {
        last.delete(id);
        logger?.info("resource is gone", { resource: id });
        continue;
      }
      result = await executor.reconcile(resource, reconciler, { signal });
    } catch (error) {
      if (signal?.aborted) break;
      // The fresh read failed: treat it as a failed Run.
      logger?.warn("reading the resource failed", { resource: id, error });
      const failures = next.failures + 1;
      last.set(id, "failed");
      if (!once || failures < maxFailures) {
        queue.set(id, { key: next.key, due: Date.now() + backoffMs(failures), failures });
      }
      continue;
    }
    runs++;
    onRun?.(next.key, result);
    const action = result.action;
    switch (action.type) {
      case "requeue":
        last.set(id, "waiting");
        queue.set(id, { key: next.key, due: Date.now(), failures: 0 });
        break;
      case "requeue-after":
        last.set(id, "waiting");
        queue.set(id, { key: next.key, due: Date.now() + action.requeueAfterMs, failures: 0 });
        break;
      case "await-change":
        last.set(id, result.end === "in-sync" ? "in-sync" : "waiting");
        if (action.resyncAfterMs !== undefined && !once) {
          queue.set(id, { key: next.key, due: Date.now() + action.resyncAfterMs, failures: 0 });
        }
        break;
      case "retry-with-backoff": {
        const failures = next.failures + 1;
        last.set(id, "failed");
        if (once && failures >= maxFailures) {
          logger?.error("giving up after failed Runs", { resource: id, failures });
        } else {
          queue.set(id, { key: next.key, due: Date.now() + backoffMs(failures), failures });
        }
        break;
      }
      case "abandon":
        break;
    }
  }

  const of = (state: string) => [...last].filter(([, s]) => s === state).map(([id]) => id);
  return { runs, inSync: of("in-sync"), waiting: of("waiting"), failed: of("failed") };
}
