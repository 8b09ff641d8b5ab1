// RunResult.steps: one record per step that ran, in order, whichever way the executor records
// them (one by one with timings or an observer; filled in from the plan's shared records
// without).

import assert from "node:assert/strict";
import {
  modified,
  noModification,
  plan,
  RunExecutor,
  type RunExecutorOptions,
  type RunResult,
  type StepResult,
} from "../../lib/steps/mod.ts";
import type { StatusWriter } from "../../lib/status/status_writer.ts";
import { RecordingLogger, serverMetadata, unusedClient } from "./_helpers.ts";

type Res = { metadata: { name: string }; spec: { n: number }; status?: { phase?: string } };
const resource = (): Res => ({ metadata: serverMetadata(), spec: { n: 1 } });
const okWriter: StatusWriter<Res> = { write: () => Promise.resolve() };

const modes: Record<string, Partial<RunExecutorOptions<Res>>> = {
  "untimed, no observer (the default)": {},
  "stepTimings: true": { stepTimings: true },
  "an observer's onStepFinished, untimed": {
    observer: { onStepFinished: () => {} },
    stepTimings: false,
  },
};

async function runIn(
  mode: Partial<RunExecutorOptions<Res>>,
  build: (shutdown: AbortController) => Parameters<RunExecutor<Res>["run"]>[1],
): Promise<RunResult> {
  const shutdown = new AbortController();
  const executor = new RunExecutor<Res>({
    client: unusedClient,
    logger: new RecordingLogger(),
    statusWriter: okWriter,
    stepTimeoutMs: 50,
    signal: shutdown.signal,
    ...mode,
  });
  return await executor.run(resource(), build(shutdown));
}

const shape = (steps: readonly StepResult[]) => steps.map((s) => `${s.index}:${s.name}:${s.kind}`);

const scenarios: Record<
  string,
  {
    build: (shutdown: AbortController) => Parameters<RunExecutor<Res>["run"]>[1];
    expected: string[];
  }
> = {
  "in sync": {
    build: () =>
      plan<Res>().step({ name: "a", run: () => noModification(undefined) })
        .step({ name: "b", run: () => noModification(undefined) }),
    expected: ["0:a:no-modification", "1:b:no-modification"],
  },
  "a no-modification carrying a status, then a modified": {
    build: () =>
      plan<Res>()
        .step({ name: "a", run: () => noModification(undefined) })
        .step({ name: "b", run: () => noModification(undefined, { status: { phase: "Seen" } }) })
        .step({ name: "c", run: () => noModification(undefined) })
        .step({ name: "d", run: () => modified({ message: "changed" }) })
        .step({ name: "e", run: () => noModification(undefined) }),
    expected: [
      "0:a:no-modification",
      "1:b:no-modification",
      "2:c:no-modification",
      "3:d:modified",
    ],
  },
  "a failure": {
    build: () =>
      plan<Res>().step({ name: "a", run: () => noModification(undefined) })
        .step({ name: "b", run: () => Promise.reject(new Error("boom")) }),
    expected: ["0:a:no-modification", "1:b:failed"],
  },
  "a timeout": {
    build: () =>
      plan<Res>().step({ name: "a", run: () => noModification(undefined) })
        .step({ name: "b", run: () => new Promise<never>(() => {}) }),
    expected: ["0:a:no-modification", "1:b:timed-out"],
  },
  "shutdown between steps": {
    build: (shutdown) =>
      plan<Res>().step({ name: "a", run: () => noModification(undefined) })
        .step({
          name: "b",
          run: () => {
            shutdown.abort(new Error("SIGTERM"));
            return noModification(undefined);
          },
        })
        .step({ name: "c", run: () => noModification(undefined) }),
    expected: ["0:a:no-modification", "1:b:no-modification"],
  },
};

for (const [scenario, { build, expected }] of Object.entries(scenarios)) {
  Deno.test(`step records, ${scenario}: one per step that ran, in order, in every mode`, async () => {
    for (const [name, mode] of Object.entries(modes)) {
      const result = await runIn(mode, build);
      assert.deepEqual(shape(result.steps), expected, name);
      const timed = mode.stepTimings === true;
      for (const step of result.steps) {
        assert.equal(Number.isNaN(step.durationMs), !timed, `${name}: ${step.name}'s duration`);
      }
    }
  });
}

Deno.test("records are the Run's own: changing one Run's list leaves the next Run's whole", async () => {
  const executor = new RunExecutor<Res>({ client: unusedClient, logger: new RecordingLogger() });
  const p = plan<Res>().step({ name: "a", run: () => noModification(undefined) })
    .step({ name: "b", run: () => noModification(undefined) });
  const first = await executor.run(resource(), p);
  (first.steps as StepResult[]).length = 0;
  const second = await executor.run(resource(), p);
  assert.deepEqual(shape(second.steps), ["0:a:no-modification", "1:b:no-modification"]);
});
