// Shared fakes for the step model tests.

import type { RestClient } from "../../lib/client/contract.ts";
import type { Logger } from "../../lib/steps/logger.ts";
import { noModification, type StepOutcome } from "../../lib/steps/outcome.ts";
import type { RunContext } from "../../lib/steps/context.ts";
import type { Step } from "../../lib/steps/step.ts";

/** A client that fails loudly if a test unexpectedly uses it. */
export const unusedClient: RestClient = {
  performRequest(): Promise<never> {
    return Promise.reject(new Error("unexpected request"));
  },
} as RestClient;

/** A logger that keeps its records. */
export class RecordingLogger implements Logger {
  readonly records: { level: string; message: string; properties?: Record<string, unknown> }[] = [];
  debug(message: string, properties?: Record<string, unknown>): void {
    this.records.push({ level: "debug", message, properties });
  }
  info(message: string, properties?: Record<string, unknown>): void {
    this.records.push({ level: "info", message, properties });
  }
  warn(message: string, properties?: Record<string, unknown>): void {
    this.records.push({ level: "warn", message, properties });
  }
  error(message: string, properties?: Record<string, unknown>): void {
    this.records.push({ level: "error", message, properties });
  }
}

/** A step that returns `outcome` (or what `make` builds) and logs its name into `trace`. */
export function traced<In, Out, R = unknown>(
  trace: string[],
  name: string,
  make: (data: In, context: RunContext<R>) => StepOutcome<Out> | Promise<StepOutcome<Out>>,
): Step<In, Out, R> {
  return {
    name,
    run: async (context, data) => {
      trace.push(name);
      return await make(data, context);
    },
  };
}

/** A step that passes its input on unchanged. */
export function pass<T, R = unknown>(trace: string[], name: string): Step<T, T, R> {
  return traced<T, T, R>(trace, name, (data) => noModification(data));
}
