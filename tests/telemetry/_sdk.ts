// A real OpenTelemetry SDK wired to in-memory exporters, for the telemetry tests.

import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";

// Active spans across awaits need a context manager, as an application's SDK setup installs.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** A reader the test collects from on demand. */
class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** One metric point: its attributes and value (a number, or a histogram's count and sum). */
export interface Point {
  attributes: Record<string, unknown>;
  value: number;
  count?: number;
}

/** A meter provider and tracer provider whose output the test reads. */
export class TestSdk {
  readonly spans = new InMemorySpanExporter();
  readonly tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: this.spans })],
  });
  readonly #reader = new TestReader();
  readonly meterProvider = new MeterProvider({ readers: [this.#reader] });

  /** The points of metric `name`, empty when it recorded nothing. */
  async points(name: string): Promise<Point[]> {
    const { resourceMetrics } = await this.#reader.collect();
    const out: Point[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== name) continue;
        for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
          const value = point.value;
          out.push(
            typeof value === "number"
              ? { attributes: { ...point.attributes }, value }
              : { attributes: { ...point.attributes }, value: value.sum ?? 0, count: value.count },
          );
        }
      }
    }
    return out;
  }

  /** The finished spans. */
  finished(): ReadableSpan[] {
    return this.spans.getFinishedSpans();
  }

  /** Shuts both providers down. */
  async shutdown(): Promise<void> {
    await this.meterProvider.shutdown();
    await this.tracerProvider.shutdown();
  }
}

/** The span named `name`; fails when there is not exactly one. */
export function only(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one span "${name}", got ${found.length}: ${spans.map((s) => s.name)}`,
    );
  }
  return found[0];
}

/** The parent span id of `span` (SDK 2.x/3.x: `parentSpanContext`). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
