/**
 * Compiles the Greeting operator (`examples/greeting/main.ts`) into one self-contained binary,
 * `dist/greeting-operator`, with the permission flags in {@linkcode OPERATOR_PERMISSION_FLAGS}
 * baked in.
 *
 * ```sh
 * deno task compile            # or: deno run ... tools/compile.ts [--target TRIPLE]
 * ./dist/greeting-operator --once --kubeconfig ~/.kube/config
 * ```
 *
 * `deno compile` downloads the `denort` runtime for the target from dl.deno.land the first time
 * (then caches it), so this needs internet access; `tests/delivery/` checks the same flags with
 * `deno run` instead, which needs none.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/**
 * Every Deno permission the operator needs, and no more. The single list: `deno compile` bakes
 * it into the binary and the delivery test runs the entry point with exactly these flags.
 *
 * - `--allow-net`: the API server (its address comes from the kubeconfig or the pod's
 *   environment, so it cannot be named in advance).
 * - `--allow-read`: the kubeconfig and the files it names (certificates, token files), or the
 *   service account folder in a pod; their paths are not known in advance either.
 * - `--allow-env=...`: the in-cluster address (`KUBERNETES_SERVICE_HOST`/`_PORT`), where the
 *   kubeconfig is (`KUBECONFIG`, `HOME`, `USERPROFILE`), `LOG_TOKENS` / `LOG_STREAM`, which
 *   the `yaml` package reads while parsing a YAML kubeconfig, and for `--leader-elect` the
 *   pod's name and namespace (`HOSTNAME`, the default identity; `POD_NAMESPACE`, the Lease's
 *   default namespace), and `OTEL_*`: the OpenTelemetry SDK's settings, which its exporters
 *   read (`--traces otlp`: `OTEL_EXPORTER_OTLP_ENDPOINT`, its headers, timeout, ...).
 *
 * `--allow-net` also covers `--health-port` and `--metrics-port` (listening on
 * `0.0.0.0:<port>`) and the OTLP endpoint.
 *
 * Not included: `--allow-run`, which kubeconfigs with `exec` credential plugins (e.g. cloud
 * CLIs) need; the client names the missing flag when one is used. No writes at all.
 *
 * @example
 * ```ts
 * import { OPERATOR_PERMISSION_FLAGS } from "./compile.ts";
 *
 * console.log(["deno", "run", ...OPERATOR_PERMISSION_FLAGS, "examples/greeting/main.ts"].join(" "));
 * ```
 */
export const OPERATOR_PERMISSION_FLAGS: readonly string[] = Object.freeze([
  "--allow-net",
  "--allow-read",
  "--allow-env=KUBERNETES_SERVICE_HOST,KUBERNETES_SERVICE_PORT,KUBECONFIG,HOME,USERPROFILE,LOG_TOKENS,LOG_STREAM,HOSTNAME,POD_NAMESPACE,OTEL_*",
]);

/**
 * The operator's entry point, as an absolute path.
 *
 * @example
 * ```ts
 * import { OPERATOR_ENTRY_POINT } from "./compile.ts";
 *
 * console.log(OPERATOR_ENTRY_POINT.endsWith("examples/greeting/main.ts")); // true
 * ```
 */
export const OPERATOR_ENTRY_POINT: string = fileURLToPath(
  new URL("../examples/greeting/main.ts", import.meta.url),
);

/**
 * The `deno compile` arguments (without `deno`) that build the operator binary.
 *
 * @param output The binary's path.
 * @param target An optional target triple, e.g. `x86_64-unknown-linux-gnu`.
 * @returns The arguments.
 *
 * @example
 * ```ts
 * import { compileArgs } from "./compile.ts";
 *
 * console.log(compileArgs("dist/greeting-operator").join(" "));
 * ```
 */
export function compileArgs(output: string, target?: string): string[] {
  return [
    "compile",
    ...OPERATOR_PERMISSION_FLAGS,
    ...(target ? ["--target", target] : []),
    "--output",
    output,
    OPERATOR_ENTRY_POINT,
  ];
}

if (import.meta.main) {
  const args = [...Deno.args];
  let target: string | undefined;
  const at = args.indexOf("--target");
  if (at >= 0) {
    target = args[at + 1];
    if (!target) {
      console.error("compile: --target needs a target triple, e.g. x86_64-unknown-linux-gnu");
      Deno.exit(2);
    }
    args.splice(at, 2);
  }
  if (args.length > 0) {
    console.error(
      `compile: unknown arguments: ${args.join(" ")}\nusage: compile [--target TRIPLE]`,
    );
    Deno.exit(2);
  }
  const output = fileURLToPath(new URL("../dist/greeting-operator", import.meta.url));
  const command = compileArgs(output, target);
  console.error(`$ deno ${command.join(" ")}`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: command,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    console.error(
      "compile: deno compile failed (it downloads the denort runtime on first use, so it " +
        "needs internet access to dl.deno.land)",
    );
  }
  Deno.exit(status.code);
}
