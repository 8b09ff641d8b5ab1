import assert from "node:assert/strict";
import { type App, Apps } from "../_fixtures.ts";
import { resourceType, type RestClient } from "../../lib/client/mod.ts";
import { ApplyStatusWriter } from "../../lib/status/mod.ts";

const Clusters = resourceType<App>()({
  group: "example.com",
  version: "v1",
  kind: "Cluster",
  plural: "clusters",
  namespaced: false,
});

function recordingClient() {
  const sent: Record<string, unknown>[] = [];
  const client = {
    performRequest: (req: Record<string, unknown>) => {
      sent.push(req);
      return Promise.resolve({});
    },
  } as unknown as RestClient;
  return { client, sent };
}

const options = { signal: new AbortController().signal, runId: "r", stepName: "s" };

Deno.test("ApplyStatusWriter applies the status subresource as its field manager, forced", async () => {
  const { client, sent } = recordingClient();
  const writer = new ApplyStatusWriter(client, Apps, { fieldManager: "app-operator" });
  await writer.write(
    { metadata: { name: "web", namespace: "prod", uid: "u", resourceVersion: "1" } },
    { phase: "Ready" },
    options,
  );
  assert.equal(sent.length, 1);
  const req = sent[0] as {
    method: string;
    path: string;
    contentType: string;
    querystring: URLSearchParams;
    bodyJson: unknown;
  };
  assert.equal(req.method, "PATCH");
  assert.equal(req.path, "/apis/example.com/v1/namespaces/prod/apps/web/status");
  assert.equal(req.contentType, "application/apply-patch+yaml");
  assert.equal(req.querystring.get("fieldManager"), "app-operator");
  assert.equal(req.querystring.get("force"), "true");
  assert.deepEqual(req.bodyJson, {
    apiVersion: "example.com/v1",
    kind: "App",
    metadata: { name: "web", namespace: "prod" },
    status: { phase: "Ready" },
  });
});

Deno.test("ApplyStatusWriter: force false, cluster-scoped kinds, missing names", async () => {
  const { client, sent } = recordingClient();
  const writer = new ApplyStatusWriter(client, Clusters, { fieldManager: "op", force: false });
  await writer.write(
    { metadata: { name: "c1", namespace: "ignored", uid: "u", resourceVersion: "1" } },
    { phase: "Ready" },
    options,
  );
  const req = sent[0] as {
    path: string;
    querystring: URLSearchParams;
    bodyJson: { metadata: unknown };
  };
  assert.equal(req.path, "/apis/example.com/v1/clusters/c1/status");
  assert.equal(req.querystring.get("force"), null);
  assert.deepEqual(req.bodyJson.metadata, { name: "c1" });
  const namespaced = new ApplyStatusWriter(client, Apps, { fieldManager: "op" });
  await assert.rejects(
    namespaced.write(
      { metadata: { name: "web" } } as unknown as Parameters<typeof namespaced.write>[0],
      {},
      options,
    ),
    (e) => e instanceof TypeError && /no metadata.namespace/.test(e.message),
  );
  await assert.rejects(
    namespaced.write(
      { metadata: { name: "" } } as unknown as Parameters<typeof namespaced.write>[0],
      {},
      options,
    ),
    (e) => e instanceof TypeError && /no metadata.name/.test(e.message),
  );
  assert.throws(
    () => new ApplyStatusWriter(client, Apps, { fieldManager: "" }),
    (e) => e instanceof TypeError && /fieldManager/.test(e.message),
  );
});
