/**
 * The command line of the staircase code generators: `codegen crd ...`.
 *
 * @module
 */

import { CRD_USAGE, runCrdCommand } from "./crd/cli.ts";

/** The top-level usage text. */
export const USAGE: string = `Usage: codegen <command> [options]

Commands:
  crd    Generate typed modules from CustomResourceDefinitions (files, stdin or a cluster).

${CRD_USAGE}`;

/**
 * Runs the code generator with command-line arguments and returns the exit code.
 *
 * @example
 * ```ts
 * import { main } from "@staircase/staircase/codegen";
 *
 * // A project's own generate script: the same as `deno run -A @staircase/staircase/codegen crd crds/ --out gen`.
 * async function generate(): Promise<void> {
 *   Deno.exitCode = await main(["crd", "crds/", "--out", "gen"]);
 * }
 * ```
 *
 * @param args The arguments, e.g. `Deno.args`.
 * @returns The process exit code.
 */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "crd":
      return await runCrdCommand(rest);
    case undefined:
    case "-h":
    case "--help":
    case "help":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`error: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
