/**
 * {@linkcode RunTelemetry}: metrics and spans for Runs and steps, attached to the executor
 * through its `RunObserver` seam.
 *
 * @module
 */

import {
  type Attributes,
  context as otelContext,
  type Counter,
  type Histogram,
  type Span,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import type { RunContext } from "../steps/context.ts";
import type { RunObserver, StepInfo } from "../steps/observer.ts";
import type { RunResource } from "../steps/resource.ts";
import type { RunResult, StatusWriteResult, StepResult } from "../steps/run_result.ts";
import { counter, histogram } from "./_instruments.ts";
import { ATTRIBUTES, SEMCONV_KINDS } from "./names.ts";
import { meterOf, type MeterProviderLike, tracerOf, type TracerProviderLike } from "./providers.ts";

/**
 * Options of {@linkcode RunTelemetry}.
 *
 * @example
 * ```ts
 * import { RunTelemetry, type RunTelemetryOptions } from "@staircase/staircase/telemetry";
 *
 * const options: RunTelemetryOptions = { controller: "greeting", traces: false };
 * console.log(new RunTelemetry(options).controller); // greeting
 * ```
 */
export interface RunTelemetryOptions {
  /**
   * The controller's name: the `controller` attribute of every metric and the Run span's name.
   * @default the Run's `context.controller` (set by the controller runtime), else `"unnamed"`
   */
  readonly controller?: string;
  /**
   * Where the metrics go.
   * @default the global meter provider (a no-op until the application registers an SDK)
   */
  readonly meterProvider?: MeterProviderLike;
  /**
   * Where the spans go.
   * @default the global tracer provider (a no-op until the application registers an SDK)
   */
  readonly tracerProvider?: TracerProviderLike;
  /**
   * Record spans (a Run span with a child span per step). `false` records metrics only.
   * @default true
   */
  readonly traces?: boolean;
}

interface ResourceLike {
  readonly kind?: unknown;
  readonly metadata?: {
    readonly name?: unknown;
    readonly namespace?: unknown;
    readonly uid?: unknown;
  };
}

/**
 * Records each Run and step as OpenTelemetry metrics and spans. Pass it as the executor's (or
 * controller's) `observer`.
 *
 * Metrics (see {@linkcode METRICS}): `run.duration` and `step.duration` histograms in ms
 * (attributes `controller`, `outcome`, `ok`, and `step` for steps), `run.count` and
 * `step.count` counters with the same attributes, `step.status.error.count` for failed
 * best-effort status writes.
 *
 * Spans: one per Run (`run <controller>`), with one child per step (`step <name>`); the step's
 * span is the active span while the step runs, so the requests of a {@linkcode tracingClient}
 * become its children. Attributes: `k8s.namespace.name`, the resource's kind, name and UID
 * (`k8s.<kind>.name`/`.uid` for kinds the semantic conventions name), the Run id, the step's
 * name and index, and the outcome. A failed or timed-out Run or step records its error and
 * sets the span's status to error.
 *
 * @typeParam R The resource type.
 *
 * @example Metrics and spans for every Run of an executor
 * ```ts
 * import { noModification, plan, RunExecutor } from "@staircase/staircase";
 * import { RunTelemetry, tracingClient } from "@staircase/staircase/telemetry";
 * import { autoDetectClient } from "@staircase/staircase/client";
 *
 * interface Site { metadata: { name: string; uid: string; resourceVersion: string } }
 *
 * export async function startExecutor(): Promise<RunExecutor<Site>> {
 *   return new RunExecutor<Site>({
 *     client: tracingClient(await autoDetectClient()), // a span per request, under its step
 *     observer: new RunTelemetry({ controller: "sites" }), // Run and step metrics and spans
 *   });
 * }
 * export const steps = plan<Site>().step({ name: "noop", run: () => noModification(null) });
 * ```
 */
export class RunTelemetry<R = unknown> implements RunObserver<R> {
  /** The controller's name on every metric, when fixed by the options. */
  readonly controller: string | undefined;
  readonly #tracer: Tracer | undefined;
  readonly #runDuration: Histogram;
  readonly #runCount: Counter;
  readonly #stepDuration: Histogram;
  readonly #stepCount: Counter;
  readonly #statusErrors: Counter;
  readonly #runSpans = new WeakMap<RunContext<R>, Span>();
  readonly #stepSpans = new WeakMap<RunContext<R>, Span>();
  readonly #stepAttributeSets = new Map<string, Attributes>();

  /**
   * Creates the instruments.
   *
   * @param options Controller name, providers and whether to trace.
   */
  constructor(options: RunTelemetryOptions = {}) {
    this.controller = options.controller;
    const meter = meterOf(options.meterProvider);
    this.#runDuration = histogram(meter, "runDuration");
    this.#runCount = counter(meter, "runCount");
    this.#stepDuration = histogram(meter, "stepDuration");
    this.#stepCount = counter(meter, "stepCount");
    this.#statusErrors = counter(meter, "statusWriteErrors");
    this.#tracer = options.traces === false ? undefined : tracerOf(options.tracerProvider);
  }

  /** Opens the Run's span. */
  onRunStarted(context: RunContext<R>): void {
    if (!this.#tracer) return;
    const controller = this.#controllerOf(context.controller);
    const span = this.#startRunSpan(this.#tracer, controller, context.resource, context.runId);
    this.#runSpans.set(context, span);
  }

  /**
   * Runs the step inside its own span, a child of the Run's, so that the step's requests
   * (through a {@linkcode tracingClient}) become children of the step's span.
   */
  aroundStep(
    step: StepInfo,
    context: RunContext<R>,
    next: () => Promise<unknown>,
  ): Promise<unknown> {
    const parent = this.#runSpans.get(context);
    if (!this.#tracer || !parent) return next();
    const span = this.#tracer.startSpan(`step ${step.name}`, {
      attributes: { [ATTRIBUTES.stepName]: step.name, [ATTRIBUTES.stepIndex]: step.index },
    }, trace.setSpan(otelContext.active(), parent));
    this.#stepSpans.set(context, span);
    return otelContext.with(trace.setSpan(otelContext.active(), span), next);
  }

  /** Records the step's metrics and closes its span. */
  onStepFinished(step: StepResult, context: RunContext<R>): void {
    const ok = step.kind !== "failed" && step.kind !== "timed-out";
    const attributes = this.#stepAttributes(
      this.#controllerOf(context.controller),
      step.name,
      step.kind,
      ok,
    );
    if (!Number.isNaN(step.durationMs)) this.#stepDuration.record(step.durationMs, attributes);
    this.#stepCount.add(1, attributes);
    const span = this.#stepSpans.get(context);
    if (span) {
      this.#stepSpans.delete(context);
      span.setAttribute(ATTRIBUTES.spanOutcome, step.kind);
      if (!ok) span.setStatus({ code: SpanStatusCode.ERROR, message: step.kind });
      span.end();
    }
  }

  // One frozen attribute set per (step, outcome): steps repeat, so this saves an object per step.
  #stepAttributes(controller: string, name: string, kind: string, ok: boolean): Attributes {
    const key = `${controller}\0${name}\0${kind}`;
    let attributes = this.#stepAttributeSets.get(key);
    if (attributes === undefined) {
      attributes = Object.freeze({
        [ATTRIBUTES.controller]: controller,
        [ATTRIBUTES.step]: name,
        [ATTRIBUTES.outcome]: kind,
        [ATTRIBUTES.ok]: ok,
      });
      // Step names come from plans, a bounded set; the cap guards against generated names.
      if (this.#stepAttributeSets.size < 10_000) this.#stepAttributeSets.set(key, attributes);
    }
    return attributes;
  }

  /** Counts failed best-effort status writes. */
  onStatusWritten(write: StatusWriteResult, context: RunContext<R>): void {
    if (write.ok) return;
    this.#statusErrors.add(1, {
      [ATTRIBUTES.controller]: this.#controllerOf(context.controller),
      [ATTRIBUTES.step]: write.stepName,
    });
    const span = this.#runSpans.get(context);
    if (span && write.error) span.recordException(write.error);
  }

  /** Records the Run's metrics and closes its span. */
  onRunFinished(result: RunResult, context: RunContext<R>): void {
    const ok = result.error === undefined;
    this.#recordRun(result, ok);
    const span = this.#runSpans.get(context);
    if (!span) return;
    this.#runSpans.delete(context);
    this.#endRunSpan(span, result);
  }

  /** Records a Run whose reconciler failed to make a plan: no step ran. */
  onPlanFailed(result: RunResult, resource: RunResource<R>): void {
    this.#recordRun(result, false);
    if (!this.#tracer) return;
    const controller = this.#controllerOf(result.controller);
    const span = this.#startRunSpan(
      this.#tracer,
      controller,
      resource,
      result.runId,
      result.runStart,
    );
    this.#endRunSpan(span, result);
  }

  #startRunSpan(
    tracer: Tracer,
    controller: string,
    resource: unknown,
    runId: string,
    startTime?: number,
  ): Span {
    const span = tracer.startSpan(`run ${controller}`, { startTime });
    // Attributes are built only for spans that record (not for the API's no-op spans).
    if (span.isRecording()) {
      span.setAttributes({
        [ATTRIBUTES.controller]: controller,
        ...resourceAttributes(resource, runId),
      });
    }
    return span;
  }

  #controllerOf(runController: string | undefined): string {
    return this.controller ?? runController ?? "unnamed";
  }

  #recordRun(result: RunResult, ok: boolean): void {
    const attributes = {
      [ATTRIBUTES.controller]: this.#controllerOf(result.controller),
      [ATTRIBUTES.outcome]: result.end,
      [ATTRIBUTES.ok]: ok,
    };
    if (!Number.isNaN(result.durationMs)) this.#runDuration.record(result.durationMs, attributes);
    this.#runCount.add(1, attributes);
  }

  #endRunSpan(span: Span, result: RunResult): void {
    span.setAttribute(ATTRIBUTES.spanOutcome, result.end);
    if (result.message !== undefined) span.setAttribute(ATTRIBUTES.message, result.message);
    if (result.error) {
      span.recordException(result.error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.message });
    }
    span.end();
  }
}

function resourceAttributes(object: unknown, runId: string): Attributes {
  const resource = object as ResourceLike | undefined;
  const attributes: Attributes = { [ATTRIBUTES.runId]: runId };
  const kind = typeof resource?.kind === "string" ? resource.kind : undefined;
  const meta = resource?.metadata;
  const name = typeof meta?.name === "string" ? meta.name : undefined;
  const uid = typeof meta?.uid === "string" ? meta.uid : undefined;
  if (typeof meta?.namespace === "string") attributes[ATTRIBUTES.namespace] = meta.namespace;
  if (kind !== undefined) attributes[ATTRIBUTES.resourceKind] = kind;
  if (name !== undefined) attributes[ATTRIBUTES.resourceName] = name;
  if (uid !== undefined) attributes[ATTRIBUTES.resourceUid] = uid;
  const semconv = kind === undefined ? undefined : SEMCONV_KINDS.get(kind);
  if (semconv !== undefined) {
    if (name !== undefined) attributes[`k8s.${semconv}.name`] = name;
    if (uid !== undefined) attributes[`k8s.${semconv}.uid`] = uid;
  }
  return attributes;
}
