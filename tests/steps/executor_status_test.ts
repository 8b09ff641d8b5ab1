// Best-effort status writes: recorded, logged, never failing the Run or stopping its requeue.

import assert from "node:assert/strict";
import {
  blocked,
  modified,
  noModification,
  plan,
  RunExecutor,
  StatusWriteError,
  StepFailedError,
} from "../../lib/steps/mod.ts";
import type { StatusWriter } from "../../lib/status/mod.ts";
import { pass, RecordingLogger, serverMetadata, traced, unusedClient } from "./_helpers.ts";

type Res = {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { n: number };
  status?: { phase?: string; a?: number; b?: number; x?: number };
};
const resource = (): Res => ({
  metadata: { ...serverMetadata(), labels: { a: "b" } },
  spec: { n: 1 },
});
const executor = (extra: Partial<ConstructorParameters<typeof RunExecutor<Res>>[0]> = {}) =>
  new RunExecutor<Res>({ client: unusedClient, logger: new RecordingLogger(), ...extra });

Deno.test("a failed status write is logged and recorded, and neither fails the Run nor stops the requeue", async () => {
  const logger = new RecordingLogger();
  const failing: StatusWriter<Res> = { write: () => Promise.reject(new Error("409 Conflict")) };
  const trace: string[] = [];
  const p = plan<Res>()
    .step(traced(trace, "report", () => noModification(1, { status: { phase: "A" } })))
    .step(traced(trace, "change", () => modified({ status: { phase: "B" } })));
  const result = await executor({ logger, statusWriter: failing }).run(resource(), p);
  assert.deepEqual(trace, ["report", "change"]);
  assert.equal(result.end, "modified");
  assert.equal(result.error, undefined);
  assert.deepEqual(result.action, { type: "requeue" });
  assert.equal(result.statusWrites.length, 2);
  for (const [i, write] of result.statusWrites.entries()) {
    assert.equal(write.ok, false);
    assert.equal(write.stepIndex, i);
    assert.ok(write.error instanceof StatusWriteError);
    assert.equal((write.error.cause as Error).message, "409 Conflict");
  }
  assert.equal(logger.records.filter((r) => r.level === "warn").length, 2);
});

Deno.test("status writes succeed in order, before the next step", async () => {
  const events: string[] = [];
  const writer: StatusWriter<Res> = {
    write: async (res, status, options) => {
      await new Promise((r) => setTimeout(r, 1));
      events.push(
        `write ${JSON.stringify(status)} for ${res.metadata.name} by ${options.stepName}`,
      );
    },
  };
  const p = plan<Res>()
    .step(traced(events, "one", () => noModification(0, { status: { a: 1 } })))
    .step(traced(events, "two", () => blocked({ message: "later", status: { b: 2 } })));
  const result = await executor({ statusWriter: writer }).run(resource(), p);
  assert.deepEqual(events, [
    "one",
    'write {"a":1} for web by one',
    "two",
    'write {"b":2} for web by two',
  ]);
  assert.deepEqual(result.statusWrites.map((w) => [w.stepName, w.ok]), [["one", true], [
    "two",
    true,
  ]]);
  assert.equal(result.end, "blocked");
});

Deno.test("a status without a configured writer is recorded as a failed write", async () => {
  const p = plan<Res>().step(traced([], "s", () => modified({ status: { x: 1 } })));
  const result = await executor().run(resource(), p);
  assert.equal(result.end, "modified");
  assert.equal(result.statusWrites[0].ok, false);
  assert.match(result.statusWrites[0].error!.message, /no StatusWriter/);
});

Deno.test("a status write that hangs times out, is recorded, and the Run goes on", async () => {
  let aborted = false;
  const hanging: StatusWriter<Res> = {
    write: (_r, _s, options) =>
      new Promise((_resolve, reject) => {
        options.signal.addEventListener("abort", () => {
          aborted = true;
          reject(options.signal.reason);
        });
      }),
  };
  const trace: string[] = [];
  const p = plan<Res>()
    .step(traced(trace, "a", () => noModification(0, { status: { x: 1 } })))
    .step(pass(trace, "b"));
  const result = await executor({ statusWriter: hanging, stepTimeoutMs: 30 }).run(resource(), p);
  assert.deepEqual(trace, ["a", "b"]);
  assert.equal(result.end, "in-sync");
  assert.equal(result.statusWrites[0].ok, false);
  assert.match(result.statusWrites[0].error!.message, /did not settle within 30 ms/);
  assert.ok(aborted);
});
Deno.test("a modified outcome whose status write fails (rejects, throws, hangs) still requeues", async () => {
  const writers: [string, StatusWriter<Res>, RegExp][] = [
    ["rejects", { write: () => Promise.reject(new Error("409 Conflict")) }, /409 Conflict/],
    ["throws synchronously", {
      write: () => {
        throw new TypeError("writer bug");
      },
    }, /writer bug/],
    ["never settles", { write: () => new Promise<never>(() => {}) }, /did not settle within 30 ms/],
  ];
  for (const [label, statusWriter, message] of writers) {
    const logger = new RecordingLogger();
    const trace: string[] = [];
    const now = plan<Res>()
      .step(traced(trace, "change", () => modified({ message: "patched", status: { phase: "B" } })))
      .step(pass(trace, "never"));
    let result = await executor({ statusWriter, logger, stepTimeoutMs: 30 }).run(resource(), now);
    assert.deepEqual(trace, ["change"], label);
    assert.equal(result.end, "modified", label);
    assert.equal(result.message, "patched", label);
    assert.equal(result.error, undefined, label);
    assert.deepEqual(result.action, { type: "requeue" }, label);
    assert.equal(result.statusWrites.length, 1, label);
    assert.equal(result.statusWrites[0].ok, false, label);
    assert.ok(result.statusWrites[0].error instanceof StatusWriteError, label);
    assert.match(result.statusWrites[0].error.message, message, label);
    assert.ok(logger.records.some((r) => r.level === "warn" && message.test(r.message)), label);

    const later = plan<Res>().step(
      traced([], "change", () => modified({ requeueAfterMs: 700, status: { phase: "B" } })),
    );
    result = await executor({ statusWriter, stepTimeoutMs: 30 }).run(resource(), later);
    assert.deepEqual(result.action, { type: "requeue-after", requeueAfterMs: 700 }, label);
    const blockedPlan = plan<Res>().step(
      traced([], "gate", () => blocked({ message: "x", requeueAfterMs: 900, status: { a: 1 } })),
    );
    result = await executor({ statusWriter, stepTimeoutMs: 30 }).run(resource(), blockedPlan);
    assert.equal(result.end, "blocked", label);
    assert.deepEqual(result.action, { type: "requeue-after", requeueAfterMs: 900 }, label);
  }
});

Deno.test("a status that is not an object fails the step and is never written", async () => {
  const written: unknown[] = [];
  const statusWriter: StatusWriter<Res> = {
    write: (_r, status) => (written.push(status), Promise.resolve()),
  };
  // A null or array status would replace the whole status in a merge patch.
  for (const [status, what] of [[null, "null"], [[1], "an array"], ["Ready", "string"]] as const) {
    for (const kind of ["no-modification", "modified", "blocked"] as const) {
      const p = plan<Res>().step({
        name: "bad-status",
        run: () => Promise.resolve({ kind, data: 1, message: "r", status } as never),
      });
      const result = await executor({ statusWriter }).run(resource(), p);
      assert.equal(result.end, "failed", `${kind} ${what}`);
      assert.ok(result.error instanceof StepFailedError);
      assert.ok(result.error.cause instanceof TypeError);
      assert.match(result.error.message, new RegExp(`status must be an object.*got ${what}`));
      assert.equal(result.action.type, "retry-with-backoff");
    }
  }
  assert.deepEqual(written, []);
});

Deno.test("one change per Run: no step runs after a modified outcome carrying a status, ever", async () => {
  // The trace is read again well after the Run's promise resolved: a step started in the
  // background after the result was handed out must not go unnoticed.
  for (const kind of ["modified", "blocked"] as const) {
    const trace: string[] = [];
    const writes: string[] = [];
    const statusWriter: StatusWriter<Res> = {
      write: async (_r, status) => {
        await new Promise((r) => setTimeout(r, 2));
        writes.push(JSON.stringify(status));
      },
    };
    const p = plan<Res>()
      .step(pass(trace, "first"))
      .step(
        traced(
          trace,
          "change",
          () =>
            kind === "modified"
              ? modified({ message: "created", status: { phase: "Creating" } })
              : blocked({ message: "waiting", status: { phase: "Waiting" } }),
        ),
      )
      .step(pass(trace, "after"))
      .step(pass(trace, "last"));
    const result = await executor({ statusWriter }).run(resource(), p);
    assert.equal(result.end, kind);
    assert.deepEqual(result.steps.map((s) => s.name), ["first", "change"]);
    assert.equal(writes.length, 1, "the status was written before the Run ended");
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(trace, ["first", "change"], kind);
    assert.equal(writes.length, 1);
  }
});
