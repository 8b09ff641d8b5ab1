/**
 * Reads CustomResourceDefinitions from a live API server.
 *
 * @module
 */

import type { RestClient } from "../../lib/client/contract.ts";
import { ResourceClient } from "../../lib/client/resource_client.ts";
import type { CrdDocument } from "./read.ts";
import type { CustomResourceDefinition } from "./types.ts";

/**
 * Lists the CRDs of the cluster, optionally only those of some API groups, sorted by name.
 *
 * @example
 * ```ts
 * import { generateCrdFiles, readClusterCrds } from "@staircase/staircase/codegen";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * // Generate modules for the example.com CRDs a cluster has installed.
 * async function generateFromCluster(client: RestClient): Promise<void> {
 *   const crds = await readClusterCrds(client, ["example.com"]);
 *   console.log(crds.map((c) => c.origin));
 *   await generateCrdFiles(crds.map((c) => c.crd), { outDir: "gen" });
 * }
 * ```
 *
 * @param client The client to the API server.
 * @param groups Only CRDs of these groups; all when empty.
 * @returns The CRDs, each with origin `cluster:<name>`.
 */
export async function readClusterCrds(
  client: RestClient,
  groups: string[] = [],
): Promise<CrdDocument[]> {
  const crds = new ResourceClient<CustomResourceDefinition>(client, {
    group: "apiextensions.k8s.io",
    version: "v1",
    plural: "customresourcedefinitions",
    kind: "CustomResourceDefinition",
    namespaced: false,
  });
  const out: CrdDocument[] = [];
  for await (const item of crds.listAll()) {
    if (groups.length > 0 && !groups.includes(item.spec.group)) continue;
    out.push({ crd: item, origin: `cluster:${item.metadata?.name}` });
  }
  return out.sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0));
}
