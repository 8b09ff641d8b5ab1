// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Starts ONE test control plane, runs a command with env `STAIRCASE_TEST_KUBECONFIG` set to
 * its admin kubeconfig, forwards the command's exit code and always stops the control plane.
 *
 * Usage: `deno run -A tools/with_control_plane.ts -- deno test -A tests/`
 *
 * @module
 */
import { startControlPlane } from "../lib/testing/control_plane.ts";
import { TEST_KUBECONFIG_ENV } from "../lib/testing/shared.ts";

const sep = Deno.args.indexOf("--");
const command = sep >= 0 ? Deno.args.slice(sep + 1) : Deno.args;
if (command.length === 0) {
  console.error("usage: deno run -A tools/with_control_plane.ts -- <command> [args...]");
  Deno.exit(2);
}

let code = 1;
const started = performance.now();
let cp;
try {
  cp = await startControlPlane();
} catch (err) {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  Deno.exit(1);
}
console.error(
  `[control-plane] ready at ${cp.url} in ${((performance.now() - started) / 1000).toFixed(1)}s; ` +
    `${TEST_KUBECONFIG_ENV}=${cp.kubeconfig.path}`,
);
try {
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    env: { [TEST_KUBECONFIG_ENV]: cp.kubeconfig.path },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // Pass termination on to the command; the control plane's own handlers stop it afterwards.
  const forward = (signal: Deno.Signal) => () => {
    try {
      child.kill(signal);
    } catch {
      // Already exited.
    }
  };
  Deno.addSignalListener("SIGTERM", forward("SIGTERM"));
  const status = await child.status;
  code = status.code;
} catch (err) {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
} finally {
  await cp.stop();
}
Deno.exit(code);
