/**
 * One-line descriptions of Runs, for logs and the demo.
 *
 * @module
 */

import type { RunAction, RunResult } from "@staircase/staircase";

/**
 * Describes what the controller does next, e.g. `requeue now` or `retry with backoff`.
 *
 * @param action The RunResult's action.
 * @returns A short phrase.
 *
 * @example
 * ```ts
 * import { describeAction } from "./format.ts";
 *
 * console.log(describeAction({ type: "requeue-after", requeueAfterMs: 1500 })); // requeue after 1.5 s
 * ```
 */
export function describeAction(action: RunAction): string {
  switch (action.type) {
    case "requeue":
      return "requeue now";
    case "requeue-after":
      return `requeue after ${action.requeueAfterMs / 1000} s`;
    case "await-change":
      return action.resyncAfterMs === undefined
        ? "await change"
        : `await change (resync in ${action.resyncAfterMs / 1000} s)`;
    case "retry-with-backoff":
      return "retry with backoff";
    case "abandon":
      return "abandon (shutting down)";
  }
}

/**
 * Describes why a Run ended: the step that ended it and its outcome, or "in sync".
 *
 * @param result The RunResult.
 * @returns A short phrase, e.g. `sync-message → modified: patched data.message`.
 *
 * @example
 * ```ts
 * import { describeEnd } from "./format.ts";
 *
 * console.log(describeEnd({
 *   runId: "r-1",
 *   runStart: 0,
 *   durationMs: 3,
 *   end: "in-sync",
 *   steps: [],
 *   statusWrites: [],
 *   action: { type: "await-change" },
 * })); // in sync (0 steps)
 * ```
 */
export function describeEnd(result: RunResult): string {
  if (result.end === "in-sync") {
    return `in sync (${result.steps.length} step${result.steps.length === 1 ? "" : "s"})`;
  }
  const step = result.endedBy ? `${result.endedBy.name} → ` : "";
  const why = result.message ?? result.error?.message;
  return `${step}${result.end}${why ? `: ${why}` : ""}`;
}

/**
 * Describes the best-effort status writes of a Run, or `""` when there were none.
 *
 * @param result The RunResult.
 * @returns e.g. `status written` or `status write failed (tolerated): ...`.
 *
 * @example
 * ```ts
 * import { describeStatusWrites } from "./format.ts";
 *
 * console.log(describeStatusWrites({
 *   runId: "r-1",
 *   runStart: 0,
 *   durationMs: 3,
 *   end: "in-sync",
 *   steps: [],
 *   statusWrites: [{ stepName: "report-status", stepIndex: 2, ok: true, durationMs: 2 }],
 *   action: { type: "await-change" },
 * })); // status written
 * ```
 */
export function describeStatusWrites(result: RunResult): string {
  return result.statusWrites.map((write) =>
    write.ok
      ? "status written"
      : `status write failed (tolerated): ${
        write.error?.cause instanceof Error ? write.error.cause.message : write.error?.message
      }`
  ).join("; ");
}
