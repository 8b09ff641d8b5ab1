// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Starts ONE test control plane, runs a command with env `STAIRCASE_TEST_KUBECONFIG` set to
 * its admin kubeconfig, forwards the command's exit code and always stops the control plane.
 *
 * Usage: `deno run -A tools/with_control_plane.ts [--no-controller-manager] -- deno test -A tests/`
 * (kube-controller-manager runs by default: garbage collection, namespace deletion, service
 * accounts).
 *
 * @module
 */
import { type ControlPlane, startControlPlane } from "../lib/testing/control_plane.ts";
import { TEST_KUBECONFIG_ENV } from "../lib/testing/shared.ts";

const sep = Deno.args.indexOf("--");
const command = sep >= 0 ? Deno.args.slice(sep + 1) : Deno.args;
const own = sep >= 0 ? Deno.args.slice(0, sep) : [];
const unknown = own.filter((a) => a !== "--no-controller-manager");
if (unknown.length > 0) {
  console.error(`unknown option(s) ${unknown.join(" ")}; the only one is --no-controller-manager`);
  Deno.exit(2);
}
if (command.length === 0) {
  console.error(
    "usage: deno run -A tools/with_control_plane.ts [--no-controller-manager] -- <command> [args...]",
  );
  Deno.exit(2);
}

let code = 1;
const started = performance.now();
let cp: ControlPlane;
try {
  cp = await startControlPlane(
    own.includes("--no-controller-manager") ? { controllerManager: false } : {},
  );
} catch (err) {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  Deno.exit(1);
}
console.error(
  `[control-plane] ready at ${cp.url}${
    cp.controllerManager ? " with kube-controller-manager" : ""
  } in ${((performance.now() - started) / 1000).toFixed(1)}s; ` +
    `${TEST_KUBECONFIG_ENV}=${cp.kubeconfig.path}`,
);
const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
const listeners = new Map<Deno.Signal, () => void>();
try {
  // `deno` is this very binary: a fresh machine may have Deno only through npx, not on PATH.
  const program = command[0] === "deno" ? Deno.execPath() : command[0];
  const child = new Deno.Command(program, {
    args: command.slice(1),
    env: { [TEST_KUBECONFIG_ENV]: cp.kubeconfig.path },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // Pass SIGINT/SIGTERM on to the command and wait for it, so the control plane is stopped
  // only after the command is done with it; a second signal kills the command outright.
  let signalled = false;
  for (const signal of signals) {
    const listener = () => {
      try {
        child.kill(signalled ? "SIGKILL" : signal);
      } catch {
        // Already exited.
      }
      signalled = true;
    };
    listeners.set(signal, listener);
    Deno.addSignalListener(signal, listener);
  }
  const status = await child.status;
  code = status.code; // 128 + n when the command died of signal n
} catch (err) {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
} finally {
  await cp.stop();
  for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
}
Deno.exit(code);
