/**
 * One Run of a {@linkcode Controller}'s reconciler for one key: waits until the caches saw the
 * key's previous writes (else reads those objects live), runs the primary through the
 * executor with a write-recording client, and judges the result by the one-change rule.
 *
 * @module
 */

import { RunExecutor } from "../steps/executor.ts";
import type { Logger } from "../steps/logger.ts";
import type { Unscoped } from "../steps/resource.ts";
import { MergePatchStatusWriter, type StatusWriter } from "../status/status_writer.ts";
import { objectReference, withRegarding } from "../status/event_reference.ts";
import type { EventObjectReference, EventSink } from "../status/event_sink.ts";
import type { RuntimeMetrics } from "../telemetry/runtime_metrics.ts";
import type { Informer, ObjectCache } from "./cache.ts";
import {
  awaitOwnWrites,
  DEFAULT_OWN_WRITES_TIMEOUT_MS,
  liveKey,
  overlayCache,
  type OwnWrites,
} from "./read_your_writes.ts";
import type { ControllerOptions } from "./controller_options.ts";
import type { ControllerRunResult, OneChangeRule } from "./one_change_rule.ts";
import { type RecordedWrite, WriteRecorder } from "./write_record.ts";
import { judgeOneChange, judgingObserver } from "./_one_change.ts";

/** A running Run's key and write record, and its result once judged. */
interface RunRecord {
  readonly key: string;
  readonly recorder: WriteRecorder;
  judged?: ControllerRunResult;
}

/** What `objectReference` reads of a primary's metadata. */
interface EventSubjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
}

/** What a {@linkcode KeyRunner} works with: the controller's settings and its informers. */
export interface KeyRunnerOptions<R> {
  options: ControllerOptions<R>;
  /** The controller's name. */
  controller: string;
  rule: OneChangeRule;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** Where the Runs' Events go (each Run gets a view about its resource). */
  events: EventSink | undefined;
  /** What steps read (throws before the controller is bound). */
  cache: () => ObjectCache;
  /** The informer of the primary kind (once bound). */
  primary: () => Informer<Unscoped<R>> | undefined;
  /** The informer that sees writes of a kind. */
  observer: (apiVersion: string, kind: string) => Informer<unknown> | undefined;
  /** Told of each write as soon as it answers. */
  onWrite: (write: RecordedWrite) => void;
}

/** What one Run did. */
export interface KeyRunOutcome {
  /** The judged result. */
  readonly result: ControllerRunResult;
  /** The Run's writes and changes. */
  readonly recorder: WriteRecorder;
  /** What the Run read live because the caches lagged behind the previous Run's writes. */
  readonly ownWrites: OwnWrites | undefined;
}

/** Runs the reconciler for keys; one executor for every Run. */
export class KeyRunner<R> {
  readonly #deps: KeyRunnerOptions<R>;
  readonly #executor: RunExecutor<R>;
  /** Each running Run's status writer, by Run id (status writes go through its recorder). */
  readonly #statusWriters = new Map<string, StatusWriter<R>>();
  /** Each running Run's write record, by Run id (the one-change rule judges it). */
  readonly #records = new Map<string, RunRecord>();
  readonly #runIdPrefix = crypto.randomUUID().slice(0, 8);
  #runCount = 0;

  constructor(deps: KeyRunnerOptions<R>) {
    this.#deps = deps;
    const { options } = deps;
    // One executor for every Run; each Run brings its own client, cache and status writer.
    this.#executor = new RunExecutor<R>({
      client: options.client,
      resourceType: options.resource,
      stepTimeoutMs: options.stepTimeoutMs,
      resyncAfterMs: options.resyncAfterMs,
      statusWriter: {
        write: (resource, status, writeOptions) => {
          const writer = this.#statusWriters.get(writeOptions.runId);
          if (writer === undefined) {
            return Promise.reject(new Error(`no status writer for Run ${writeOptions.runId}`));
          }
          return writer.write(resource, status, writeOptions);
        },
      },
      logger: options.logger,
      // The observer hears of the one-change rule's verdict (the executor tells it before it
      // returns the result to us).
      observer: options.observer === undefined
        ? undefined
        : judgingObserver(options.observer, (result) => this.#judge(result)),
      controller: deps.controller,
    });
  }

  /**
   * Runs `key` once.
   *
   * @param previousWrites The writes of the key's previous Run, which the caches must have
   * seen first.
   * @returns `undefined` when the primary is gone (nothing to do until it is created again).
   */
  async run(
    key: string,
    signal: AbortSignal,
    previousWrites: readonly RecordedWrite[],
  ): Promise<KeyRunOutcome | undefined> {
    const { options, logger, metrics, events } = this.#deps;
    let ownWrites: OwnWrites | undefined;
    if (previousWrites.length > 0) {
      ownWrites = await awaitOwnWrites(
        previousWrites,
        this.#deps.observer,
        options.client,
        { timeoutMs: options.ownWritesTimeoutMs ?? DEFAULT_OWN_WRITES_TIMEOUT_MS, signal },
      );
      if (ownWrites.stale.length > 0) {
        logger.debug("the caches lagged behind the last Run's writes; read them live", {
          key,
          stale: ownWrites.stale.length,
        });
      }
    }
    const primaryType = options.resource;
    const [namespace, name] = splitKey(key, primaryType.namespaced);
    const primaryKey = liveKey(primaryType.apiVersion, primaryType.kind, namespace, name);
    const resource =
      (ownWrites?.live.has(primaryKey)
        ? ownWrites.live.get(primaryKey) ?? undefined
        : this.#deps.primary()!.get(name, namespace)) as Unscoped<R> | undefined;
    if (resource === undefined) return undefined;
    const recorder = new WriteRecorder(options.client, this.#deps.onWrite);
    const cache = overlayCache(this.#deps.cache(), ownWrites?.live ?? new Map());
    const runId = `${this.#runIdPrefix}-${++this.#runCount}`;
    this.#statusWriters.set(
      runId,
      options.statusWriter?.(recorder.statusClient) ??
        new MergePatchStatusWriter(recorder.statusClient, primaryType) as unknown as StatusWriter<
          R
        >,
    );
    let result: ControllerRunResult;
    this.#records.set(runId, { key, recorder });
    metrics.runStarted();
    try {
      const executed = await this.#executor.reconcile(resource, options.reconciler, {
        runId,
        signal,
        client: recorder.client,
        cache,
        events: events === undefined ? undefined : withRegarding(events, this.#reference(resource)),
      });
      // Judged already when the observer heard of it; judged now otherwise.
      result = this.#judge(executed);
    } finally {
      metrics.runFinished();
      this.#statusWriters.delete(runId);
      this.#records.delete(runId);
    }
    return { result, recorder, ownWrites };
  }

  /**
   * The one-change rule's verdict on a Run's result (once per Run: the observer and the
   * controller get the same object), logged and counted when the rule was broken.
   */
  #judge(result: ControllerRunResult): ControllerRunResult {
    const record = this.#records.get(result.runId);
    if (record === undefined) return result;
    if (record.judged !== undefined) return record.judged;
    const { key, recorder } = record;
    const judged = judgeOneChange(result, key, recorder.writes, recorder.changes, this.#deps.rule);
    record.judged = judged;
    if (judged.oneChangeViolation !== undefined) {
      this.#deps.metrics.oneChangeBreach();
      this.#deps.logger.warn(judged.oneChangeViolation.message, {
        key,
        runId: result.runId,
        end: judged.end,
      });
    }
    return judged;
  }

  /** The primary's Event reference (objects read from a LIST may lack apiVersion and kind). */
  #reference(resource: Unscoped<R>): EventObjectReference {
    const metadata = (resource as { metadata?: EventSubjectMeta }).metadata;
    return objectReference({
      apiVersion: this.#deps.options.resource.apiVersion,
      kind: this.#deps.options.resource.kind,
      metadata,
    });
  }
}

function splitKey(key: string, namespaced: boolean): [string | undefined, string] {
  if (!namespaced) return [undefined, key];
  const slash = key.indexOf("/");
  return slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
}
