/** Issue 8, item 2: a missing name never addresses the collection. */
import assert from "node:assert/strict";
import { type ConfigMap, ConfigMaps } from "../../lib/apis/core/v1/mod.ts";
import { ClusterRoles } from "../../lib/apis/rbac.authorization.k8s.io/v1/mod.ts";
import {
  type RequestOptions,
  type RestClient,
  restClientFromHandler,
} from "../../lib/client/mod.ts";
import { ResourceClient } from "../../lib/client/resource_client.ts";
import { fails } from "./test_server.ts";

function recordingClient(): { client: RestClient; sent: RequestOptions[] } {
  const sent: RequestOptions[] = [];
  const client = restClientFromHandler((options) => {
    sent.push(options);
    return Promise.resolve({ kind: "Status" });
  });
  return { client, sent };
}

Deno.test("ResourceClient: object verbs refuse a missing name before anything is sent", async () => {
  const { client, sent } = recordingClient();
  const missing = [undefined, null, "", 0] as unknown as string[];
  for (const descriptor of [ConfigMaps, ClusterRoles]) {
    const base = new ResourceClient<ConfigMap>(client, descriptor);
    const rc = descriptor.namespaced ? base.namespace("team") : base;
    for (const name of missing) {
      const calls: [string, () => Promise<unknown>][] = [
        ["get", () => rc.get(name)],
        ["delete", () => rc.delete(name)],
        ["replace", () => rc.replace(name, { metadata: { resourceVersion: "1" } })],
        ["patch", () => rc.patch(name, { data: {} }, { type: "merge" })],
        ["patchRaw", () => rc.patchRaw(name, {}, { type: "merge" })],
        ["getStatus", () => rc.getStatus(name)],
        ["replaceStatus", () => rc.replaceStatus(name, {})],
        ["patchStatus", () => rc.patchStatus(name, {}, { type: "merge" })],
        ["getScale", () => rc.getScale(name)],
        ["replaceScale", () => rc.replaceScale(name, {})],
        ["patchScale", () => rc.patchScale(name, {}, { type: "merge" })],
      ];
      for (const [verb, call] of calls) {
        await assert.rejects(
          call(),
          fails(TypeError, /object name must be a non-empty string/),
          verb,
        );
      }
    }
  }
  assert.equal(sent.length, 0, "nothing may be sent");
  // The collection verb still addresses the collection.
  await new ResourceClient(client, ConfigMaps, "team").deleteCollection();
  assert.deepEqual(sent.map((o) => `${o.method} ${o.path}`), [
    "DELETE /api/v1/namespaces/team/configmaps",
  ]);
});
