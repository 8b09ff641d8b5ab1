// Patch bodies are typed by patch kind. The `@ts-expect-error` lines are the test: `deno check`
// (and `deno test`, which type-checks first) fails if any of them stops being an error. The
// calls also run against a recording client, so the bodies and content types are checked too.
import assert from "node:assert/strict";
import type { JSONValue, RequestOptions, RestClient } from "../../lib/client/contract.ts";
import type { PatchBody } from "../../lib/client/patch_body.ts";
import type { PatchOptions } from "../../lib/client/resource_options.ts";
import { ResourceClient } from "../../lib/client/resource_client.ts";
import { CoreV1Api } from "../../lib/apis/core/v1/mod.ts";
import { AppsV1Api, type Deployment } from "../../lib/apis/apps/v1/mod.ts";
import { DemoStaircaseDevV1Api } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";

function recorder(): { client: RestClient; sent: RequestOptions[] } {
  const sent: RequestOptions[] = [];
  const fake = {
    performRequest(options: RequestOptions): Promise<JSONValue> {
      sent.push(options);
      return Promise.resolve({ metadata: { name: "x" } });
    },
  };
  // The overloads of RestClient differ only in the result type, which these tests ignore.
  return { client: fake as unknown as RestClient, sent };
}

Deno.test("patch types: accepted bodies per kind reach the server with their content type", async () => {
  const { client, sent } = recorder();
  const core = new CoreV1Api(client).namespace("ns");
  const apps = new AppsV1Api(client).namespace("ns");
  const greetings = new DemoStaircaseDevV1Api(client).namespace("ns");

  // Merge: null deletes a field; inferred from the literal options, no annotation needed.
  await core.patchConfigMap("c", { data: { stale: null, fresh: "1" } }, { type: "merge" });
  await core.patchConfigMap("c", { data: null, metadata: { labels: { a: null } } }, {
    type: "merge",
  });
  // JSON Patch: RFC 6902 operations.
  await core.patchConfigMap("c", [
    { op: "test", path: "/metadata/resourceVersion", value: "7" },
    { op: "add", path: "/data/new", value: "v" },
    { op: "remove", path: "/data/old" },
    { op: "replace", path: "/data/x", value: "y" },
    { op: "move", from: "/data/x", path: "/data/z" },
    { op: "copy", from: "/data/z", path: "/data/w" },
  ], { type: "json" });
  // Apply: apiVersion/kind/name plus the owned fields; force is allowed.
  await core.patchConfigMap("c", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c" },
    data: { owned: "yes" },
  }, { type: "apply", fieldManager: "op", force: true });
  // Strategic: partial list elements merged by key, and directives.
  await apps.patchDeployment("d", {
    spec: {
      template: {
        spec: {
          containers: [{ name: "a", image: "a:2" }, { name: "gone", $patch: "delete" }],
          "$setElementOrder/containers": [{ name: "b" }, { name: "a" }],
        },
      },
    },
  }, { type: "strategic" });
  // Custom resources: merge/json/apply, including status.
  await greetings.patchGreeting("g", { spec: { message: "hi" } }, { type: "merge" });
  await greetings.patchGreetingStatus("g", [{ op: "remove", path: "/status" }], { type: "json" });
  // Scale subresource.
  await apps.patchDeploymentScale("d", { spec: { replicas: 2 } }, { type: "merge" });

  assert.deepEqual(sent.map((r) => [r.method, r.contentType]), [
    ["PATCH", "application/merge-patch+json"],
    ["PATCH", "application/merge-patch+json"],
    ["PATCH", "application/json-patch+json"],
    ["PATCH", "application/apply-patch+yaml"],
    ["PATCH", "application/strategic-merge-patch+json"],
    ["PATCH", "application/merge-patch+json"],
    ["PATCH", "application/json-patch+json"],
    ["PATCH", "application/merge-patch+json"],
  ]);
  assert.deepEqual(sent[0].bodyJson, { data: { stale: null, fresh: "1" } });
  assert.equal(sent[3].querystring?.get("force"), "true");
  assert.equal(sent[6].path, "/apis/demo.staircase.dev/v1/namespaces/ns/greetings/g/status");
});

Deno.test("patch types: wide options and patchRaw serve dynamic code", async () => {
  const { client, sent } = recorder();
  interface Obj {
    metadata?: { name?: string };
    data?: Record<string, string>;
  }
  const cms = new ResourceClient<Obj>(client, {
    group: "",
    version: "v1",
    plural: "configmaps",
    kind: "ConfigMap",
    namespaced: true,
  }).namespace("ns");
  // Options typed as plain PatchOptions: the body may be any kind's body, still checked
  // against the object type.
  const opts: PatchOptions = { type: "merge" };
  await cms.patch("c", { data: { a: "1" } }, opts);
  // @ts-expect-error misspelled field, even with wide options
  await cms.patch("c", { dta: { a: "1" } }, opts);
  // patchRaw takes any JSON, e.g. parsed from configuration, and can aim at status.
  const body: JSONValue = JSON.parse('{"status":{"$unknownDirective":1}}');
  await cms.patchRaw("c", body, { type: "strategic", subresource: "status" });
  assert.equal(sent.at(-1)?.path, "/api/v1/namespaces/ns/configmaps/c/status");
  assert.equal(sent.at(-1)?.contentType, "application/strategic-merge-patch+json");
  assert.equal(sent.at(-1)?.querystring?.has("subresource"), false);
});

// Never called: only type-checked. Each @ts-expect-error must stay an error.
async function rejectedBodies(client: RestClient): Promise<void> {
  const core = new CoreV1Api(client).namespace("ns");
  const apps = new AppsV1Api(client).namespace("ns");
  const greetings = new DemoStaircaseDevV1Api(client).namespace("ns");

  // @ts-expect-error misspelled top-level field in a merge patch
  await core.patchConfigMap("c", { dat: { a: "1" } }, { type: "merge" });
  // @ts-expect-error misspelled nested field in a merge patch
  await apps.patchDeployment("d", { spec: { replcas: 3 } }, { type: "merge" });
  // @ts-expect-error wrong field type
  await apps.patchDeployment("d", { spec: { replicas: "3" } }, { type: "merge" });
  // @ts-expect-error wrong field type in an apply patch
  await core.patchConfigMap("c", { data: { a: 1 } }, { type: "apply", fieldManager: "op" });
  // @ts-expect-error a JSON Patch must be a list of operations, not an object
  await core.patchConfigMap("c", { data: { a: "1" } }, { type: "json" });
  // @ts-expect-error a merge patch is an object, not a list of operations
  await core.patchConfigMap("c", [{ op: "remove", path: "/data/a" }], { type: "merge" });
  // @ts-expect-error unknown JSON Patch operation
  await core.patchConfigMap("c", [{ op: "delete", path: "/data/a" }], { type: "json" });
  // @ts-expect-error "add" needs a value
  await core.patchConfigMap("c", [{ op: "add", path: "/data/a" }], { type: "json" });
  // @ts-expect-error a JSON Pointer starts with "/"
  await core.patchConfigMap("c", [{ op: "remove", path: "data/a" }], { type: "json" });
  // @ts-expect-error custom resources take no strategic merge patch
  await greetings.patchGreeting("g", { spec: { message: "hi" } }, { type: "strategic" });
  // @ts-expect-error strategic merge directives are not valid in a merge patch
  await apps.patchDeployment("d", { spec: { $patch: "replace" } }, { type: "merge" });
  // @ts-expect-error unknown strategic merge directive
  await apps.patchDeployment("d", { spec: { $replace: true } }, { type: "strategic" });
  const strategic = { type: "strategic" } as const;
  await apps.patchDeployment(
    "d",
    // @ts-expect-error misspelled field inside a strategic list element
    { spec: { template: { spec: { containers: [{ nam: "a" }] } } } },
    strategic,
  );
}

// Also type-level only: PatchBody per kind.
const deploymentJson: PatchBody<Deployment, "json"> = [{ op: "remove", path: "/spec/paused" }];
// @ts-expect-error a JSON Patch body is a list
const deploymentJsonWrong: PatchBody<Deployment, "json"> = { spec: {} };

Deno.test("patch types: type-level fixtures exist", () => {
  assert.equal(typeof rejectedBodies, "function");
  assert.equal(deploymentJson.length, 1);
  assert.ok(deploymentJsonWrong);
});
