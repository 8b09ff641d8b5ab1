import assert from "node:assert/strict";
import { type App, Apps } from "../_fixtures.ts";
import { errorOf } from "./_helpers.ts";
import type { RequestOptions, RestClient } from "../../lib/client/contract.ts";
import { resourceType } from "../../lib/client/resource_type.ts";
import { MergePatchStatusWriter } from "../../lib/status/mod.ts";
import { Services } from "../../lib/apis/core/v1/mod.ts";

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

const Widgets = resourceType<App>()({
  group: "example.com",
  version: "v2",
  kind: "Widget",
  plural: "widgets",
  namespaced: false,
});

const options = { signal: new AbortController().signal, runId: "r", stepName: "s" };

Deno.test("merge-patches /status of a namespaced custom resource", async () => {
  const { client, requests } = recordingClient();
  const writer = new MergePatchStatusWriter(client, Apps);
  await writer.write(
    { metadata: { name: "web", namespace: "prod", uid: "u", resourceVersion: "1" } },
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

Deno.test("paths: core group, cluster scope and encoding", () => {
  const { client } = recordingClient();
  const core = new MergePatchStatusWriter(client, Services);
  assert.equal(
    core.pathFor({ metadata: { name: "a b", namespace: "n/s" } }),
    "/api/v1/namespaces/n%2Fs/services/a%20b/status",
  );
  const cluster = new MergePatchStatusWriter(client, Widgets);
  assert.equal(
    cluster.pathFor({ metadata: { name: "w", namespace: "ignored" } }),
    "/apis/example.com/v2/widgets/w/status",
  );
});

Deno.test("missing identity fields give clear errors", async () => {
  const { client, requests } = recordingClient();
  const writer = new MergePatchStatusWriter(client, Apps);
  assert.throws(() => writer.pathFor({ metadata: {} }), errorOf(TypeError, /metadata.name/));
  assert.throws(
    () => writer.pathFor({ metadata: { name: "a" } }),
    errorOf(TypeError, /metadata.namespace/),
  );
  // "." and ".." would be resolved by fetch to another object's (or the namespace's) path.
  assert.throws(
    () => writer.pathFor({ metadata: { name: "..", namespace: "n" } }),
    errorOf(TypeError, /cannot be ".."/),
  );
  assert.throws(
    () => writer.pathFor({ metadata: { name: "a", namespace: "." } }),
    errorOf(TypeError, /cannot be "."/),
  );
  await assert.rejects(
    writer.write({ metadata: { name: "..", namespace: "n", uid: "u", resourceVersion: "1" } }, {
      phase: "x",
    }, options),
    TypeError,
  );
  assert.equal(requests.length, 0);
  assert.throws(
    () => new MergePatchStatusWriter(client, {} as typeof Apps),
    errorOf(TypeError, /resourceType must be a resource token/),
  );
});
