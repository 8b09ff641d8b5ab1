/**
 * The one-change rule's verdict on a Run, and the observer seam that reports it.
 *
 * The executor calls the observer's `onRunFinished` before it hands the result to the
 * controller, so the controller cannot adjust the result afterwards: it wraps the observer
 * instead, and judges the result in `onRunFinished` (by then every write of the Run answered).
 * The controller then uses the same judged result itself.
 *
 * @module
 */

import type { RunObserver } from "../steps/observer.ts";
import type { RunResult } from "../steps/run_result.ts";
import {
  type ControllerRunResult,
  type OneChangeRule,
  OneChangeRuleError,
} from "./one_change_rule.ts";
import type { RecordedWrite } from "./write_record.ts";

/**
 * `result` with the one-change rule's verdict: unchanged when the Run made at most one
 * counted change (or the rule is off); else with `oneChangeViolation`, and in `strict` mode
 * failed with the violation, unless it already failed or was aborted.
 */
export function judgeOneChange(
  result: RunResult,
  key: string,
  writes: readonly RecordedWrite[],
  changes: number,
  rule: OneChangeRule,
): ControllerRunResult {
  if (rule === "off" || changes <= 1) return result;
  const violation = new OneChangeRuleError(key, writes, result.endedBy);
  const succeeded = result.end === "in-sync" || result.end === "modified" ||
    result.end === "blocked";
  if (rule !== "strict" || !succeeded) return { ...result, oneChangeViolation: violation };
  return {
    ...result,
    end: "failed",
    error: violation,
    action: { type: "retry-with-backoff", error: violation },
    oneChangeViolation: violation,
  };
}

/**
 * `observer` with `onRunFinished` given `judge(result)` instead of the executor's result.
 * Only the callbacks `observer` has are set (the executor reads the clock only for those).
 */
export function judgingObserver<R>(
  observer: RunObserver<R>,
  judge: (result: RunResult) => RunResult,
): RunObserver<R> {
  const finished = observer.onRunFinished;
  if (finished === undefined) return observer;
  return {
    onRunStarted: observer.onRunStarted?.bind(observer),
    onStepStarted: observer.onStepStarted?.bind(observer),
    aroundStep: observer.aroundStep?.bind(observer),
    onStepFinished: observer.onStepFinished?.bind(observer),
    onStatusWritten: observer.onStatusWritten?.bind(observer),
    onRunFinished: (result, context) => finished.call(observer, judge(result), context),
    onPlanFailed: observer.onPlanFailed?.bind(observer),
  };
}
