/**
 * `deno task codegen:refresh-specs`: downloads the OpenAPI v3 index and every
 * document it lists from a kube-apiserver into `codegen/openapi/specs/<version>/`,
 * the stored input of `deno task codegen:apis`.
 *
 * ```sh
 * deno task codegen:refresh-specs [--kubeconfig FILE] [--out DIR]
 * ```
 *
 * Without `--kubeconfig` a throwaway control plane is started (lib/testing).
 *
 * @module
 */

import { kubeConfigClient } from "../../lib/client/mod.ts";
import type { JSONValue, RestClient } from "../../lib/client/mod.ts";
import { type OpenApiIndex, specFileName } from "./specs.ts";

/** Options of {@linkcode refreshSpecs}. */
export interface RefreshOptions {
  /** Client for the API server to read from. */
  client: RestClient;
  /** Target folder; default `codegen/openapi/specs/<server gitVersion>`. */
  out?: string;
}

/**
 * Thrown when the server's answers are not what an OpenAPI v3 endpoint serves.
 *
 * @example
 * ```ts
 * import { FetchSpecError } from "./fetch.ts";
 *
 * console.log(new FetchSpecError("no paths").name); // FetchSpecError
 * ```
 */
export class FetchSpecError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "FetchSpecError";
  }
}

async function getJson(client: RestClient, url: string): Promise<JSONValue> {
  const [path, query] = url.split("?", 2);
  return await client.performRequest({
    method: "GET",
    path,
    querystring: query === undefined ? undefined : new URLSearchParams(query),
    expectJson: true,
  });
}

/**
 * Downloads the index and every listed document; returns the folder written.
 * Files are pretty-printed and then formatted with `deno fmt` so the stored
 * input is formatter-clean.
 *
 * @example
 * ```ts ignore
 * import { kubeConfigClient } from "../../lib/client/mod.ts";
 * import { refreshSpecs } from "./fetch.ts";
 *
 * const dir = await refreshSpecs({ client: await kubeConfigClient() });
 * console.log(dir);
 * ```
 */
export async function refreshSpecs(options: RefreshOptions): Promise<string> {
  const { client } = options;
  const version = await getJson(client, "/version") as { gitVersion?: string };
  const gitVersion = version?.gitVersion?.replace(/[^A-Za-z0-9.+-]/g, "_");
  if (!gitVersion) throw new FetchSpecError("/version has no gitVersion");
  const out = options.out ??
    new URL(`./specs/${gitVersion.replace(/\+.*$/, "")}`, import.meta.url).pathname;
  const index = await getJson(client, "/openapi/v3") as unknown as OpenApiIndex;
  if (index === null || typeof index !== "object" || typeof index.paths !== "object") {
    throw new FetchSpecError("/openapi/v3 did not return an index with `paths`");
  }
  await Deno.remove(out, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(out, { recursive: true });
  const write = (file: string, value: unknown): Promise<void> =>
    Deno.writeTextFile(`${out}/${file}`, `${JSON.stringify(value, null, 2)}\n`);
  await write("index.json", index);
  for (const path of Object.keys(index.paths).sort()) {
    const url = index.paths[path].serverRelativeURL;
    if (typeof url !== "string") throw new FetchSpecError(`index entry ${path} has no URL`);
    await write(specFileName(path), await getJson(client, url));
  }
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--no-config", "--line-width=100", out],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!fmt.success) throw new FetchSpecError(new TextDecoder().decode(fmt.stderr));
  return out;
}

if (import.meta.main) {
  const args = [...Deno.args];
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
  };
  const kubeconfig = flag("--kubeconfig");
  const out = flag("--out");
  if (kubeconfig !== undefined) {
    const dir = await refreshSpecs({
      client: await kubeConfigClient({ paths: [kubeconfig] }),
      out,
    });
    console.log(`stored OpenAPI v3 documents in ${dir}`);
  } else {
    const { startControlPlane } = await import("../../lib/testing/mod.ts");
    await using cp = await startControlPlane();
    const client = await kubeConfigClient({ paths: [cp.kubeconfig.path] });
    const dir = await refreshSpecs({ client, out });
    console.log(`stored OpenAPI v3 documents in ${dir}`);
  }
}
