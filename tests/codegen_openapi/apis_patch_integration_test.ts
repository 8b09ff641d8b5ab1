// Patch semantics, deletes and Quantity canonicalization through the generated Api classes,
// against the real control plane.
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { type DeepPartial, isConflict, isNotFound } from "../../lib/client/mod.ts";
import type { ConfigMap, ResourceQuota } from "../../lib/apis/core/v1/mod.ts";
import type { Deployment } from "../../lib/apis/apps/v1/mod.ts";
import { apisWithin } from "./_apis.ts";
import { compareQuantities } from "../../lib/apis/quantity.ts";

const withApis = apisWithin("apis-patch");

function twoContainers(name: string): Deployment {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas: 0,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: "a", image: "registry.example/a:1" },
            { name: "b", image: "registry.example/b:1" },
          ],
        },
      },
    },
  };
}

Deno.test("merge patch with null deletes a key and a label; the typed patch allows null", () =>
  withApis(async (ns, core) => {
    const api = core.namespace(ns);
    await api.createConfigMap({
      metadata: { name: "nulls", labels: { keep: "1", drop: "1" } },
      data: { keep: "k", drop: "d" },
    });
    // Typed as DeepPartial<ConfigMap> (not just JSONValue), so `null` must type-check here.
    const patch: DeepPartial<ConfigMap> = {
      metadata: { labels: { drop: null } },
      data: { drop: null },
    };
    const patched = await api.patchConfigMap("nulls", patch, { type: "merge" });
    deepEqual(patched.data, { keep: "k" });
    deepEqual(patched.metadata?.labels, { keep: "1" });
    // A null top-level field removes the whole map.
    const cleared = await api.patchConfigMap("nulls", { data: null }, { type: "merge" });
    equal(cleared.data, undefined);
  }));

Deno.test("strategic merge merges containers by name where a merge patch replaces the list", () =>
  withApis(async (ns, _core, apps) => {
    const api = apps.namespace(ns);
    await api.createDeployment(twoContainers("sm"));
    const bump = {
      spec: { template: { spec: { containers: [{ name: "b", image: "registry.example/b:2" }] } } },
    };
    const strategic = await api.patchDeployment("sm", bump, { type: "strategic" });
    deepEqual(
      strategic.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`),
      ["a=registry.example/a:1", "b=registry.example/b:2"],
    );
    const merged = await api.patchDeployment("sm", bump, { type: "merge" });
    deepEqual(merged.spec?.template.spec?.containers.map((c) => c.name), ["b"]);
  }));

Deno.test("JSON patch: a failing test op changes nothing", () =>
  withApis(async (ns, core) => {
    const api = core.namespace(ns);
    await api.createConfigMap({ metadata: { name: "jp" }, data: { v: "1" } });
    await rejects(
      api.patchConfigMap("jp", [
        { op: "test", path: "/data/v", value: "other" },
        { op: "replace", path: "/data/v", value: "2" },
      ], { type: "json" }),
    );
    equal((await api.getConfigMap("jp")).data?.v, "1");
    const ok2 = await api.patchConfigMap("jp", [
      { op: "test", path: "/data/v", value: "1" },
      { op: "remove", path: "/data/v" },
    ], { type: "json" });
    equal(ok2.data, undefined);
  }));

Deno.test("server-side apply: a second manager conflicts unless it forces", () =>
  withApis(async (ns, core) => {
    const api = core.namespace(ns);
    const body = (value: string): ConfigMap => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "ssa" },
      data: { owned: value },
    });
    await api.patchConfigMap("ssa", body("first"), { type: "apply", fieldManager: "one" });
    await rejects(
      api.patchConfigMap("ssa", body("second"), { type: "apply", fieldManager: "two" }),
      (error: unknown) => isConflict(error),
    );
    const forced = await api.patchConfigMap("ssa", body("second"), {
      type: "apply",
      fieldManager: "two",
      force: true,
    });
    equal(forced.data?.owned, "second");
    ok(forced.metadata?.managedFields?.some((f) => f.manager === "two"));
  }));

Deno.test("delete: dry run keeps the object; deleteCollection empties the namespace", () =>
  withApis(async (ns, core) => {
    const api = core.namespace(ns);
    for (const name of ["d1", "d2", "d3"]) {
      await api.createConfigMap({ metadata: { name, labels: { set: "d" } }, data: { name } });
    }
    const dry = await api.deleteConfigMap("d1", { dryRun: true });
    ok(dry.kind === "ConfigMap" || dry.kind === "Status", `got ${dry.kind}`);
    equal((await api.getConfigMap("d1")).data?.name, "d1");
    await api.deleteConfigMap("d1", { preconditions: { resourceVersion: "1" } }).then(
      () => assertNever("a stale precondition must fail"),
      (error: unknown) => ok(isConflict(error), String(error)),
    );
    await api.deleteConfigMapCollection({ labelSelector: "set=d" });
    await rejects(api.getConfigMap("d2"), (error: unknown) => isNotFound(error));
    equal((await api.listConfigMaps({ labelSelector: "set=d" })).items.length, 0);
  }));

Deno.test("quantities: the server canonicalizes, compareQuantities sees equal values", () =>
  withApis(async (ns, core) => {
    const hard = { cpu: "0.5", memory: "1.5Gi", pods: "1e3", "requests.storage": "1500M" };
    const quota: ResourceQuota = { metadata: { name: "q" }, spec: { hard } };
    const stored = await core.namespace(ns).createResourceQuota(quota);
    const returned: Record<string, string> = stored.spec?.hard ?? {};
    for (const [key, value] of Object.entries(hard)) {
      equal(compareQuantities(value, returned[key]), 0, `${key}: ${value} vs ${returned[key]}`);
    }
    deepEqual(returned, {
      cpu: "500m",
      memory: "1536Mi",
      pods: "1e3", // exponent notation stays exponent notation
      "requests.storage": "1500M",
    });
  }));

function assertNever(message: string): never {
  throw new Error(message);
}
