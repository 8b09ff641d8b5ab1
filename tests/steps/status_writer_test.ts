import assert from "node:assert/strict";
import type { RequestOptions, RestClient } from "../../lib/client/contract.ts";
import { MergePatchStatusWriter } from "../../lib/steps/mod.ts";

function recordingClient(): { client: RestClient; requests: RequestOptions[] } {
  const requests: RequestOptions[] = [];
  const client = {
    performRequest(options: RequestOptions) {
      requests.push(options);
      return Promise.resolve({});
    },
  } as unknown as RestClient;
  return { client, requests };
}

const options = { signal: new AbortController().signal, runId: "r", stepName: "s" };

Deno.test("merge-patches /status of a namespaced custom resource", async () => {
  const { client, requests } = recordingClient();
  const writer = new MergePatchStatusWriter(client, { plural: "apps" });
  await writer.write(
    { apiVersion: "example.com/v1", metadata: { name: "web", namespace: "prod" } },
    { phase: "Ready", message: null },
    options,
  );
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request.method, "PATCH");
  assert.equal(request.path, "/apis/example.com/v1/namespaces/prod/apps/web/status");
  assert.equal(request.contentType, "application/merge-patch+json");
  assert.deepEqual(request.bodyJson, { status: { phase: "Ready", message: null } });
  assert.equal(request.abortSignal, options.signal);
});

Deno.test("paths: core group, cluster scope, target overrides and encoding", () => {
  const { client } = recordingClient();
  const core = new MergePatchStatusWriter(client, { plural: "services" });
  assert.equal(
    core.pathFor({ apiVersion: "v1", metadata: { name: "a b", namespace: "n/s" } }),
    "/api/v1/namespaces/n%2Fs/services/a%20b/status",
  );
  const cluster = new MergePatchStatusWriter(client, {
    group: "example.com",
    version: "v2",
    plural: "widgets",
    namespaced: false,
  });
  assert.equal(
    cluster.pathFor({ metadata: { name: "w", namespace: "ignored" } }),
    "/apis/example.com/v2/widgets/w/status",
  );
});

Deno.test("missing identity fields give clear errors", async () => {
  const { client, requests } = recordingClient();
  const writer = new MergePatchStatusWriter(client, { plural: "apps", namespaced: true });
  assert.throws(() => writer.pathFor({ apiVersion: "x/v1", metadata: {} }), /metadata.name/);
  assert.throws(() => writer.pathFor({ metadata: { name: "a" } }), /apiVersion/);
  assert.throws(
    () => writer.pathFor({ apiVersion: "x/v1", metadata: { name: "a" } }),
    /metadata.namespace/,
  );
  // "." and ".." would be resolved by fetch to another object's (or the namespace's) path.
  assert.throws(
    () => writer.pathFor({ apiVersion: "x/v1", metadata: { name: "..", namespace: "n" } }),
    /cannot be ".."/,
  );
  assert.throws(
    () => writer.pathFor({ apiVersion: "x/v1", metadata: { name: "a", namespace: "." } }),
    /cannot be "."/,
  );
  await assert.rejects(writer.write({ metadata: {} }, {}, options), TypeError);
  await assert.rejects(
    writer.write({ apiVersion: "v1", metadata: { name: "..", namespace: "n" } }, {}, options),
    TypeError,
  );
  assert.equal(requests.length, 0);
  assert.throws(() => new MergePatchStatusWriter(client, { plural: "" }), /plural/);
});
