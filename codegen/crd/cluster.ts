/**
 * Reads CustomResourceDefinitions from a live API server.
 *
 * @module
 */

import type { JSONObject, RestClient } from "../../lib/client/contract.ts";
import type { CrdDocument } from "./read.ts";
import type { CustomResourceDefinition } from "./types.ts";

/**
 * Lists the CRDs of the cluster, optionally only those of some API groups, sorted by name.
 *
 * @example
 * ```ts ignore
 * import { readClusterCrds } from "./cluster.ts";
 * import type { RestClient } from "../../lib/client/contract.ts";
 * declare const client: RestClient;
 * const crds = await readClusterCrds(client, ["example.com"]);
 * console.log(crds.map((c) => c.origin));
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
  const out: CrdDocument[] = [];
  let token: string | undefined;
  do {
    const query = new URLSearchParams({ limit: "500" });
    if (token) query.set("continue", token);
    const page = await client.performRequest({
      method: "GET",
      path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      querystring: query,
      expectJson: true,
    }) as JSONObject;
    for (const item of (page.items ?? []) as unknown as CustomResourceDefinition[]) {
      if (groups.length > 0 && !groups.includes(item.spec.group)) continue;
      out.push({ crd: item, origin: `cluster:${item.metadata.name}` });
    }
    token = ((page.metadata ?? {}) as JSONObject).continue as string | undefined;
  } while (token);
  return out.sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0));
}
