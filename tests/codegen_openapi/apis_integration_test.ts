// Generated built-in API classes against the real control plane.
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { isNotFound, kubeConfigClient, KubernetesApiError } from "../../lib/client/mod.ts";
import type { ConfigMap } from "../../lib/apis/core/v1/mod.ts";
import type { Deployment } from "../../lib/apis/apps/v1/mod.ts";
import { CoordinationV1Api } from "../../lib/apis/coordination.k8s.io/v1/mod.ts";
import { deployment } from "../_fixtures.ts";
import { apisWithin, cluster } from "./_apis.ts";

const withApis = apisWithin("apis");

function configMap(name: string, data: Record<string, string>): ConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels: { app: "t" } }, data };
}

Deno.test("ConfigMap: create, get, list, every patch kind, replace, delete", () =>
  withApis(async (ns, core) => {
    const api = core.namespace(ns);
    const created = await api.createConfigMap(configMap("one", { a: "1" }));
    equal(created.metadata?.namespace, ns);
    equal((await api.getConfigMap("one")).data?.a, "1");
    await api.createConfigMap(configMap("two", { b: "2" }));

    const page = await api.listConfigMaps({ labelSelector: "app=t", limit: 1 });
    equal(page.items.length, 1);
    ok(page.metadata?.continue, "a second page exists");
    const all = [];
    for await (const cm of api.listAllConfigMaps({ labelSelector: "app=t", limit: 1 })) {
      all.push(cm.metadata?.name);
    }
    deepEqual(all.sort(), ["one", "two"]);
    const everywhere = await core.listConfigMapsForAllNamespaces({ labelSelector: "app=t" });
    ok(everywhere.items.some((cm) => cm.metadata?.namespace === ns));

    await api.patchConfigMap("one", { data: { merge: "m" } }, { type: "merge" });
    await api.patchConfigMap("one", [{ op: "add", path: "/data/json", value: "j" }], {
      type: "json",
    });
    await api.patchConfigMap("one", { data: { strategic: "s" } }, { type: "strategic" });
    await api.patchConfigMap(
      "one",
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "one" }, data: { apply: "p" } },
      { type: "apply", fieldManager: "codegen-test", force: true },
    );
    const patched = await api.getConfigMap("one");
    deepEqual(patched.data, { a: "1", merge: "m", json: "j", strategic: "s", apply: "p" });

    const replaced = await api.replaceConfigMap("one", { ...patched, data: { only: "this" } });
    deepEqual(replaced.data, { only: "this" });

    const deleted = await api.deleteConfigMap("one");
    ok(deleted.kind === "ConfigMap" || deleted.kind === "Status", `got ${deleted.kind}`);
    await rejects(api.getConfigMap("one"), (error: unknown) => isNotFound(error));
    await api.deleteConfigMapCollection({ labelSelector: "app=t" });
    equal((await api.listConfigMaps()).items.length, 0);
  }));

Deno.test("ConfigMap: watch sees a creation", () =>
  withApis(async (ns, core) => {
    const api = core.namespace(ns);
    const { metadata } = await api.listConfigMaps();
    const abort = new AbortController();
    const events = api.watchConfigMaps({
      resourceVersion: metadata?.resourceVersion,
      abortSignal: abort.signal,
      timeoutSeconds: 30,
    });
    const created = await api.createConfigMap(configMap("watched", { w: "1" }));
    let seen: { type: string; name?: string; data?: Record<string, string> } | undefined;
    try {
      for await (const event of events) {
        if (event.type === "BOOKMARK") continue;
        seen = { type: event.type, name: event.object.metadata?.name, data: event.object.data };
        break;
      }
    } finally {
      abort.abort();
    }
    // The first event after the list's resourceVersion is exactly this creation.
    equal(seen?.type, "ADDED");
    equal(seen?.name, "watched");
    equal(seen?.data?.w, "1");
    equal(created.metadata?.name, "watched");
  }));

Deno.test("Deployment: status and scale subresources", () =>
  withApis(async (ns, _core, apps) => {
    const api = apps.namespace(ns);
    await api.createDeployment(deployment("web"));
    const scale = await api.getDeploymentScale("web");
    equal(scale.kind, "Scale");
    equal(scale.spec?.replicas, 1);
    await api.patchDeploymentScale("web", { spec: { replicas: 3 } }, { type: "merge" });
    equal((await api.getDeployment("web")).spec?.replicas, 3);
    const current = await api.getDeploymentScale("web");
    const replacedScale = await api.replaceDeploymentScale("web", {
      ...current,
      spec: { replicas: 2 },
    });
    equal(replacedScale.spec?.replicas, 2);

    // No controller-manager runs, so status writes stay as written.
    const withStatus = await api.patchDeploymentStatus(
      "web",
      { status: { observedGeneration: 7, replicas: 0 } },
      { type: "merge" },
    );
    equal(withStatus.status?.observedGeneration, 7);
    const read = await api.getDeploymentStatus("web");
    const replaced = await api.replaceDeploymentStatus("web", {
      ...read,
      status: { ...read.status, observedGeneration: 8 },
    });
    equal(replaced.status?.observedGeneration, 8);
  }));

Deno.test("GET then PUT round-trips every field, and fields outside the types reach the server", () =>
  withApis(async (ns, _core, apps) => {
    const api = apps.namespace(ns);
    await api.createDeployment(deployment("rt"));
    const typed = await api.getDeployment("rt");
    const raw = await cluster.request<unknown>(
      "GET",
      `/apis/apps/v1/namespaces/${ns}/deployments/rt`,
    );
    deepEqual(typed, raw.body, "the typed read is the plain JSON the server sent");
    const put = await api.replaceDeployment("rt", typed);
    const again = await cluster.request<Deployment>(
      "GET",
      `/apis/apps/v1/namespaces/${ns}/deployments/rt`,
    );
    deepEqual(put, again.body);
    equal(again.body.metadata?.resourceVersion, typed.metadata?.resourceVersion, "no-op PUT");

    // A field the generated types do not know is sent as is: strict validation names it.
    const withUnknown = { ...typed, spec: { ...typed.spec!, futureField: true } } as Deployment;
    await rejects(
      api.replaceDeployment("rt", withUnknown, { fieldValidation: "Strict" }),
      (error: unknown) => error instanceof KubernetesApiError && /futureField/.test(error.message),
    );
  }));

Deno.test("cluster-scoped kinds and another group: Namespace status, Lease", () =>
  withApis(async (ns, core) => {
    using client = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
    const namespace = await core.getNamespace(ns);
    equal(namespace.metadata?.name, ns);
    equal((await core.getNamespaceStatus(ns)).status?.phase, "Active");
    const leases = new CoordinationV1Api(client).namespace(ns);
    const lease = await leases.createLease({
      metadata: { name: "leader" },
      spec: { holderIdentity: "me", leaseDurationSeconds: 15 },
    });
    equal(lease.spec?.holderIdentity, "me");
    const renewed = await leases.patchLease("leader", {
      spec: { renewTime: "2026-01-01T00:00:00.000000Z" },
    }, { type: "merge" });
    equal(renewed.spec?.renewTime, "2026-01-01T00:00:00.000000Z");
  }));
