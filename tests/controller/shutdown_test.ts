/**
 * handleShutdownSignals: real SIGTERM/SIGINT sent to a child process (graceful stop, second
 * signal exits 130/143, listeners removed so the process can end), and the same logic with
 * injected listeners and exit.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  handleShutdownSignals,
  ShutdownRequestedError,
  ShutdownSignalsError,
  signalExitCode,
  type SignalListeners,
} from "../../lib/controller/mod.ts";

const MODULE = new URL("../../lib/controller/shutdown.ts", import.meta.url).href;

type ChildMode = "graceful" | "stuck" | "disposed";

/**
 * A child that prints "ready", then on the first signal either finishes ("graceful": stops its
 * work and disposes the listeners) or never finishes ("stuck"); "disposed" removes the
 * listeners before "ready", so a signal should get its default effect (ending the process).
 */
function childSource(mode: ChildMode): string {
  return `
import { handleShutdownSignals } from ${JSON.stringify(MODULE)};
const work = setInterval(() => {}, 1000);
const shutdown = handleShutdownSignals({ onShutdown: (s) => console.log("shutdown " + s) });
shutdown.signal.addEventListener("abort", () => {
  console.log("reason " + shutdown.signal.reason.name + " " + shutdown.signal.reason.signal);
  if (${JSON.stringify(mode)} === "graceful") {
    setTimeout(() => { clearInterval(work); shutdown.dispose(); console.log("done"); }, 50);
  }
});
if (${JSON.stringify(mode)} === "disposed") shutdown.dispose();
console.log("ready");
`;
}

interface Child {
  process: Deno.ChildProcess;
  lines: string[];
  /** Resolves once a line equal to `line` was printed. */
  printed(line: string): Promise<void>;
}

function spawnChild(mode: ChildMode): Child {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", childSource(mode)],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).spawn();
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  (async () => {
    const decoder = new TextDecoderStream();
    let buffer = "";
    for await (const chunk of process.stdout.pipeThrough(decoder)) {
      buffer += chunk;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        for (const w of waiters.filter((w) => w.line === line)) w.resolve();
      }
    }
  })();
  return {
    process,
    lines,
    printed: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ line, resolve })),
  };
}

/** Kills the child if it is still running after `ms` (a test that would hang fails instead). */
async function statusWithin(child: Child, ms: number): Promise<Deno.CommandStatus> {
  const timer = setTimeout(() => {
    try {
      child.process.kill("SIGKILL");
    } catch { /* already gone */ }
  }, ms);
  try {
    return await child.process.status;
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name: "real signals: the first SIGTERM aborts the signal and the program ends by itself (0)",
  ignore: Deno.build.os === "windows",
  async fn() {
    const child = spawnChild("graceful");
    await child.printed("ready");
    child.process.kill("SIGTERM");
    const status = await statusWithin(child, 30_000);
    assert.equal(status.code, 0, child.lines.join("\n"));
    assert.deepEqual(child.lines, [
      "ready",
      "reason ShutdownRequestedError SIGTERM",
      "shutdown SIGTERM",
      "done",
    ]);
  },
});

Deno.test({
  name: "real signals: after dispose a signal has its default effect again",
  ignore: Deno.build.os === "windows",
  async fn() {
    const child = spawnChild("disposed");
    await child.printed("ready");
    child.process.kill("SIGTERM");
    const status = await statusWithin(child, 30_000);
    assert.equal(status.signal, "SIGTERM", child.lines.join("\n"));
    assert.deepEqual(child.lines, ["ready"]);
  },
});

for (
  const [first, second, code] of [["SIGINT", "SIGINT", 130], ["SIGINT", "SIGTERM", 143]] as const
) {
  Deno.test({
    name: `real signals: ${first} then ${second} exits at once with ${code}`,
    ignore: Deno.build.os === "windows",
    async fn() {
      const child = spawnChild("stuck");
      await child.printed("ready");
      child.process.kill(first);
      await child.printed(`shutdown ${first}`);
      child.process.kill(second);
      const status = await statusWithin(child, 30_000);
      assert.equal(status.code, code, child.lines.join("\n"));
      assert.equal(status.signal, null, "exited by itself, not killed by the signal");
    },
  });
}

/** Listeners kept in a map, so a test can "send" signals. */
function fakeListeners(): SignalListeners & {
  handlers: Map<Deno.Signal, () => void>;
  send(signal: Deno.Signal): void;
} {
  const handlers = new Map<Deno.Signal, () => void>();
  return {
    handlers,
    add: (signal, handler) => void handlers.set(signal, handler),
    remove: (signal, handler) => {
      if (handlers.get(signal) === handler) handlers.delete(signal);
    },
    send: (signal) => handlers.get(signal)?.(),
  };
}

Deno.test("injected: first signal aborts once, second exits with 128 + its number", () => {
  const listeners = fakeListeners();
  const exits: number[] = [];
  const shutdowns: Deno.Signal[] = [];
  const shutdown = handleShutdownSignals({
    listeners,
    exit: (code) => exits.push(code),
    onShutdown: (signal) => shutdowns.push(signal),
  });
  assert.deepEqual([...listeners.handlers.keys()].sort(), ["SIGINT", "SIGTERM"]);
  assert.equal(shutdown.signal.aborted, false);
  assert.equal(shutdown.received, undefined);

  listeners.send("SIGTERM");
  assert.equal(shutdown.signal.aborted, true);
  assert.ok(shutdown.signal.reason instanceof ShutdownRequestedError);
  assert.equal(shutdown.signal.reason.signal, "SIGTERM");
  assert.equal(shutdown.received, "SIGTERM");
  assert.deepEqual(shutdowns, ["SIGTERM"]);
  assert.deepEqual(exits, []);

  listeners.send("SIGINT");
  assert.deepEqual(exits, [130]);
  listeners.send("SIGTERM");
  assert.deepEqual(exits, [130, 143]);
  assert.deepEqual(shutdowns, ["SIGTERM"], "onShutdown is called once");
  assert.equal(shutdown.received, "SIGTERM");

  shutdown.dispose();
  assert.equal(listeners.handlers.size, 0, "listeners removed");
  shutdown[Symbol.dispose](); // twice is fine
  assert.equal(shutdown.signal.aborted, true, "the signal keeps its state");
});

Deno.test("injected: a throwing onShutdown does not stop the shutdown; custom signals", () => {
  const listeners = fakeListeners();
  using shutdown = handleShutdownSignals({
    listeners,
    signals: ["SIGHUP", "SIGHUP"],
    exit: () => {},
    onShutdown: () => {
      throw new Error("logging failed");
    },
  });
  assert.deepEqual([...listeners.handlers.keys()], ["SIGHUP"]);
  listeners.send("SIGHUP");
  assert.equal(shutdown.signal.aborted, true);
});

Deno.test("a signal that cannot be listened for is a ShutdownSignalsError; nothing stays installed", () => {
  const listeners = fakeListeners();
  const failing: SignalListeners = {
    add: (signal, handler) => {
      if (signal === "SIGKILL") throw new TypeError("Binding to signal 'SIGKILL' is not allowed");
      listeners.add(signal, handler);
    },
    remove: listeners.remove,
  };
  assert.throws(
    () => handleShutdownSignals({ listeners: failing, signals: ["SIGTERM", "SIGKILL"] }),
    (e: unknown) =>
      e instanceof ShutdownSignalsError && /cannot listen for SIGKILL/.test(e.message) &&
      e.cause instanceof TypeError,
  );
  assert.equal(listeners.handlers.size, 0);
  assert.throws(
    () => handleShutdownSignals({ listeners, signals: [] }),
    (e: unknown) => e instanceof ShutdownSignalsError && /must not be empty/.test(e.message),
  );
  // The real Deno listeners refuse SIGKILL the same way.
  assert.throws(
    () => handleShutdownSignals({ signals: ["SIGKILL"] }),
    ShutdownSignalsError,
  );
});

Deno.test("signalExitCode follows the 128 + n convention", () => {
  assert.equal(signalExitCode("SIGINT"), 130);
  assert.equal(signalExitCode("SIGTERM"), 143);
  assert.equal(signalExitCode("SIGHUP"), 129);
  assert.equal(signalExitCode("SIGUSR1"), 1);
});
