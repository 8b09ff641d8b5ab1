// Shared fakes for the step model tests.

import type { RestClient } from "../../lib/client/contract.ts";
import type { Logger } from "../../lib/steps/logger.ts";
import { noModification, type StepOutcome } from "../../lib/steps/outcome.ts";
import type { RunContext } from "../../lib/steps/context.ts";
import type { StatusOf } from "../../lib/steps/resource.ts";
import type { Step } from "../../lib/steps/step.ts";

/** A client that fails loudly if a test unexpectedly uses it. */
export const unusedClient: RestClient = {
  performRequest(): Promise<never> {
    return Promise.reject(new Error("unexpected request"));
  },
} as RestClient;

let uids = 0;

/** Metadata as the API server sets it (a fresh UID each time). */
export function serverMetadata(name = "web"): {
  name: string;
  uid: string;
  resourceVersion: string;
  generation: number;
} {
  return { name, uid: `uid-${++uids}`, resourceVersion: "1", generation: 1 };
}

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

/** A step that returns what `make` builds and logs its name into `trace`. */
export function traced<R, In, Out>(
  trace: string[],
  name: string,
  make: (
    data: In,
    context: RunContext<R>,
  ) => StepOutcome<Out, StatusOf<R>> | Promise<StepOutcome<Out, StatusOf<R>>>,
): Step<R, In, Out> {
  return {
    name,
    run: async (context, data) => {
      trace.push(name);
      return await make(data, context);
    },
  };
}

/** A step that passes its input on unchanged. */
export function pass<R, T>(trace: string[], name: string): Step<R, T, T> {
  return traced<R, T, T>(trace, name, (data) => noModification(data));
}
