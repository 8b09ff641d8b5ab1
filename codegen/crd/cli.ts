/**
 * The `crd` subcommand of the staircase code generator.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { RestClient } from "../../lib/client/contract.ts";
import { readClusterCrds } from "./cluster.ts";
import { generateCrdFiles } from "./generate.ts";
import { syncGeneratedTree } from "../common/output.ts";
import { type CrdDocument, readCrdSources } from "./read.ts";

/** The usage text of the `crd` subcommand. */
export const CRD_USAGE: string = `Usage:
  codegen crd PATH... --out DIR [options]
  codegen crd --from-cluster [--group G]... [--kubeconfig FILE] --out DIR [options]

Generates TypeScript modules from CustomResourceDefinitions: for every served version,
DIR/<group>/<version>/types.ts (object types) and DIR/<group>/<version>/mod.ts (tokens and
Api class). DIR/staircase-codegen.json lists the files written; files an earlier run listed
that are no longer generated are removed (with --check: reported as stale).

PATH is a YAML or JSON file, a folder (its *.yaml, *.yml and *.json files) or - for stdin.
Multi-document YAML and List objects are accepted; other kinds are skipped with a note.

Options:
  --out DIR              Output folder (required).
  --check                Write nothing; exit 1 when files on disk differ from the output
                         or are stale.
  --from-cluster         Read the CRDs from the API server instead of files.
  --group G              With --from-cluster: only CRDs of group G (repeatable).
  --kubeconfig FILE      With --from-cluster: the kubeconfig (default KUBECONFIG, ~/.kube/config).
  --runtime-import SPEC  Import of the runtime client in generated files
                         (default jsr:@staircase/staircase@<version>/client; a ./ or ../ path is
                         taken relative to the working directory).
  --meta-import SPEC     Import of the meta/v1 types (ObjectMeta, ListMeta); default
                         jsr:@staircase/staircase@<version>/apis/meta/v1. Built-in types
                         reused for identical shapes come from its sibling modules
                         (.../apis/core/v1, ...).
  -h, --help             Show this text.

Exit codes: 0 success, 1 --check found differences, 2 bad usage or input.`;

/** What the command needs from its environment; replaceable in tests. */
export interface CrdCommandIo {
  /** Prints a line of normal output. */
  out(line: string): void;
  /** Prints a note or error line. */
  err(line: string): void;
  /** Reads standard input. */
  readStdin?: () => Promise<string>;
  /** Opens a client for `--from-cluster`; the default reads the kubeconfig. */
  connect?: (kubeconfig: string | undefined) => Promise<RestClient & { close?(): void }>;
}

const defaultIo: CrdCommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/**
 * Runs `codegen crd` with the arguments after `crd` and returns the exit code.
 *
 * @example
 * ```ts
 * import { runCrdCommand } from "@staircase/staircase/codegen";
 *
 * // In CI: fail when the committed modules under gen/ are not what crds/ generates.
 * async function checkGenerated(): Promise<void> {
 *   const code = await runCrdCommand(["crds/", "--out", "gen", "--check"]);
 *   if (code !== 0) throw new Error("generated modules are stale: run the generator");
 * }
 * ```
 *
 * @param args The command-line arguments after `crd`.
 * @param io Output and input channels.
 * @returns 0 on success, 1 when `--check` found differences, 2 on bad usage or input.
 */
export async function runCrdCommand(args: string[], io: CrdCommandIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: "string" },
        check: { type: "boolean", default: false },
        "from-cluster": { type: "boolean", default: false },
        group: { type: "string", multiple: true },
        kubeconfig: { type: "string" },
        "runtime-import": { type: "string" },
        "meta-import": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    io.err(`error: ${(err as Error).message}\n\n${CRD_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(CRD_USAGE);
    return 0;
  }
  const usage = (problem: string): number => {
    io.err(`error: ${problem}\n\n${CRD_USAGE}`);
    return 2;
  };
  if (values.out === undefined) return usage("--out DIR is required");
  if (values["from-cluster"] && positionals.length > 0) {
    return usage("give either paths or --from-cluster, not both");
  }
  if (!values["from-cluster"] && positionals.length === 0) {
    return usage("no input: give paths (or - for stdin) or --from-cluster");
  }
  if (!values["from-cluster"] && (values.group !== undefined || values.kubeconfig !== undefined)) {
    return usage("--group and --kubeconfig only apply with --from-cluster");
  }
  try {
    let docs: CrdDocument[];
    if (values["from-cluster"]) {
      const client = await (io.connect ?? connectKubeconfig)(values.kubeconfig);
      try {
        docs = await readClusterCrds(client, values.group ?? []);
      } finally {
        client.close?.();
      }
    } else {
      const read = await readCrdSources(positionals, { readStdin: io.readStdin });
      for (const note of read.notes) io.err(`note: ${note}`);
      docs = read.crds;
    }
    if (docs.length === 0) io.err("note: no CustomResourceDefinitions found; nothing to generate");
    const files = await generateCrdFiles(docs.map((d) => d.crd), {
      outDir: values.out,
      runtimeImport: values["runtime-import"],
      metaImport: values["meta-import"],
    });
    const reports = await syncGeneratedTree(values.out, files, values.check);
    let differs = 0;
    for (const r of reports) {
      if (r.outcome === "differs" || r.outcome === "missing" || r.outcome === "stale") differs++;
      const kinds = r.kinds.length > 0 ? ` (${r.kinds.join(", ")})` : "";
      io.out(`${r.outcome.padEnd(9)} ${values.out.replace(/\/+$/, "")}/${r.path}${kinds}`);
    }
    if (values.check && differs > 0) {
      io.err(
        `error: ${differs} generated file(s) are out of date or stale; run without --check`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    io.err(`error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    return 2;
  }
}

async function connectKubeconfig(
  kubeconfig: string | undefined,
): Promise<RestClient & { close(): void }> {
  // Loaded lazily so file-based generation needs no network or kubeconfig permissions.
  const { kubeConfigClient } = await import("../../lib/client/auto_detect.ts");
  return await kubeConfigClient(kubeconfig === undefined ? {} : { paths: [kubeconfig] });
}
