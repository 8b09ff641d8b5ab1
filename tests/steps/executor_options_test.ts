// Executor options, per-Run options and Run ids: bad input gives a clear error naming it.

import assert from "node:assert/strict";
import {
  InvalidPlanError,
  noModification,
  plan,
  RunExecutor,
  type RunExecutorOptions,
} from "../../lib/steps/mod.ts";
import { errorOf, RecordingLogger, serverMetadata, unusedClient } from "./_helpers.ts";

type Res = { metadata: { name: string }; spec: { n: number } };
const resource = (): Res => ({ metadata: serverMetadata(), spec: { n: 1 } });
const executor = (extra: Partial<RunExecutorOptions<Res>> = {}) =>
  new RunExecutor<Res>({ client: unusedClient, logger: new RecordingLogger(), ...extra });

Deno.test("malformed plans and options are rejected with InvalidPlanError", async () => {
  await assert.rejects(
    executor().run(resource(), { initialData: 0, steps: [{ name: "", run: () => {} }] } as never),
    InvalidPlanError,
  );
  await assert.rejects(
    executor().run(resource(), { initialData: 0, steps: [{ name: "x" }] } as never),
    errorOf(InvalidPlanError, /step 0 \("x"\) has no run function/),
  );
  await assert.rejects(executor().run(resource(), {} as never), InvalidPlanError);
  assert.throws(() => executor({ stepTimeoutMs: 0 }), InvalidPlanError);
  assert.throws(() => executor({ stepTimeoutMs: Number.NaN }), InvalidPlanError);
  assert.throws(() => executor({ resyncAfterMs: -5 }), InvalidPlanError);
});

Deno.test("bad executor options are refused with a message naming the option", () => {
  const bad: [Partial<RunExecutorOptions<Res>>, RegExp][] = [
    [{ stepTimeoutMs: -1 }, /stepTimeoutMs must be a number in \(0, 2147483647\] ms .*got -1/],
    [{ stepTimeoutMs: "5" as never }, /stepTimeoutMs must be a number in .*got "5"/],
    // Longer than a timer can wait (about 24.8 days); Infinity disables the timeout instead.
    [{ stepTimeoutMs: 2 ** 31 }, /stepTimeoutMs must be a number in .*got 2147483648/],
    [{ resyncAfterMs: 0 }, /resyncAfterMs must be a finite number > 0, got 0/],
    [{ resyncAfterMs: Number.NaN }, /resyncAfterMs .* got NaN/],
    [{ resyncAfterMs: Infinity }, /resyncAfterMs .* got Infinity/],
    [{ stepTimings: "no" as never }, /stepTimings must be a boolean, got "no"/],
    [{ signal: {} as never }, /signal must be an AbortSignal/],
    [{ statusWriter: {} as never }, /statusWriter must have a write/],
    [{ logger: { warn: () => {} } as never }, /logger must have debug, info, warn and error/],
    [{ cache: { get: () => undefined } as never }, /cache must have get and list methods/],
    [{ events: {} as never }, /events must have a record method/],
    [{ controller: 7 as never }, /controller must be a string, got 7/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => executor(options),
      (error: unknown) => error instanceof InvalidPlanError && message.test(error.message),
      JSON.stringify(options),
    );
  }
  assert.throws(
    () => new RunExecutor(undefined as never),
    errorOf(InvalidPlanError, /options must be an object/),
  );
});

Deno.test("stepTimeoutMs: Infinity disables the timeout", async () => {
  const p = plan<Res>().step({
    name: "slow",
    run: async () => {
      await new Promise((r) => setTimeout(r, 20));
      return noModification(undefined);
    },
  });
  const result = await executor({ stepTimeoutMs: Infinity }).run(resource(), p);
  assert.equal(result.end, "in-sync");
});

Deno.test("per-Run options: runId must be a non-empty string, signal an AbortSignal", async () => {
  for (const runId of ["", 7]) {
    await assert.rejects(
      executor().run(resource(), plan<Res>(), { runId: runId as never }),
      errorOf(InvalidPlanError, /runId must be a non-empty string/),
    );
  }
  const shutdown = new AbortController().signal;
  for (const e of [executor(), executor({ signal: shutdown })]) {
    await assert.rejects(
      e.run(resource(), plan<Res>(), { signal: { aborted: false } as never }),
      errorOf(InvalidPlanError, /signal must be an AbortSignal, got an object/),
    );
  }
});

Deno.test("run ids are unique across executors and carry a random per-process prefix", async () => {
  const ids = new Set<string>();
  for (let i = 0; i < 50; i++) {
    for (const e of [executor(), executor({ stepTimings: false })]) {
      ids.add((await e.run(resource(), plan<Res>())).runId);
    }
  }
  assert.equal(ids.size, 100);
  const [first] = ids;
  const match = /^([0-9a-f]{16})-\d+$/.exec(first);
  assert.ok(match, first);
  // Another process picks another prefix (64 random bits).
  const url = new URL("../../lib/steps/_context.ts", import.meta.url).href;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `import { nextRunId } from "${url}"; console.log(nextRunId());`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(output.success);
  const other = new TextDecoder().decode(output.stdout).trim();
  assert.match(other, /^[0-9a-f]{16}-1$/);
  assert.notEqual(other.split("-")[0], match[1]);
});

Deno.test("an executor's timeout timer does not keep the process alive after its Runs", async () => {
  // With a 120 s timeout the sampling timer ticks every 30 s; a process that ran one Run must
  // exit long before that (a leaked, referenced timer would hold it for 30 s).
  const lib = new URL("../../lib/steps/mod.ts", import.meta.url).href;
  const script = `
    import { noModification, plan, RunExecutor } from "${lib}";
    const executor = new RunExecutor({ client: {}, stepTimeoutMs: 120_000 });
    const steps = plan().step({
      name: "wait-a-little",
      run: async () => {
        await new Promise((r) => setTimeout(r, 20));
        return noModification(undefined);
      },
    });
    const result = await executor.run({ metadata: { name: "a", uid: "u", resourceVersion: "1" } }, steps);
    console.log(result.end);
  `;
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const elapsed = performance.now() - started;
  assert.ok(output.success);
  assert.equal(new TextDecoder().decode(output.stdout).trim(), "in-sync");
  assert.ok(elapsed < 20_000, `the process took ${elapsed} ms to exit`);
});
