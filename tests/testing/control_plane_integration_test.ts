// Copyright 2026 the staircase authors. Apache-2.0 license.
import assert from "node:assert/strict";
import { startControlPlane } from "../../lib/testing/control_plane.ts";
import {
  clusterFromKubeconfig,
  TestRequestError,
  withNamespace,
} from "../../lib/testing/shared.ts";
import { controlPlanePids, eventually, pathExists, processAlive } from "./helpers.ts";

const GROUP = "widgets.staircase.test";

const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [{
      name: "v1",
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: "object",
          properties: {
            spec: { type: "object", properties: { size: { type: "integer" } } },
            status: { type: "object", properties: { ready: { type: "boolean" } } },
          },
        },
      },
    }],
  },
};

interface Named {
  metadata: { name: string; uid?: string };
}
interface CrdStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

Deno.test("control plane: CRD, custom resources, ConfigMaps, kubectl, RBAC users, stop", async (t) => {
  const started = performance.now();
  const cp = await startControlPlane();
  console.log(`start-to-ready: ${((performance.now() - started) / 1000).toFixed(1)}s`);
  const pids = await controlPlanePids(cp.dir);
  try {
    const cluster = await clusterFromKubeconfig(cp.kubeconfig.path);
    assert.equal(cluster.url, cp.url);
    assert.equal(cp.kubeconfig.config.clusters[0].cluster.server, cp.url);

    await t.step("/version reports the built version", async () => {
      const { body } = await cluster.request<{ gitVersion: string }>("GET", "/version");
      assert.match(body.gitVersion, /^v1\.\d+\.\d+$/);
    });

    await t.step("a CRD becomes Established", async () => {
      await cluster.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
      const established = await eventually(async () => {
        const { body } = await cluster.request<CrdStatus>(
          "GET",
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${GROUP}`,
        );
        return body.status?.conditions?.some((c) =>
          c.type === "Established" && c.status === "True"
        ) ?? false;
      });
      assert.ok(established, "CRD never became Established");
    });

    await t.step("custom resource and ConfigMap: create, get, list, delete", async () => {
      await withNamespace(async (ns) => {
        for (
          const [base, body] of [
            [`/apis/${GROUP}/v1/namespaces/${ns}/widgets`, {
              apiVersion: `${GROUP}/v1`,
              kind: "Widget",
              metadata: { name: "w1" },
              spec: { size: 3 },
            }],
            [`/api/v1/namespaces/${ns}/configmaps`, {
              apiVersion: "v1",
              kind: "ConfigMap",
              metadata: { name: "c1" },
              data: { a: "b" },
            }],
          ] as const
        ) {
          const created = await cluster.request<Named>("POST", base, body);
          assert.equal(created.status, 201);
          const name = created.body.metadata.name;
          const got = await cluster.request<Named>("GET", `${base}/${name}`);
          assert.equal(got.body.metadata.uid, created.body.metadata.uid);
          const list = await cluster.request<{ items: Named[] }>("GET", base);
          assert.deepEqual(list.body.items.map((i) => i.metadata.name), [name]);
          await cluster.request("DELETE", `${base}/${name}`);
          const gone = await cluster.request("GET", `${base}/${name}`, undefined, {
            throwOnError: false,
          });
          assert.equal(gone.status, 404);
        }
      }, { cluster, prefix: "crud" });
    });

    await t.step("kubectl works with the written kubeconfig", async () => {
      const out = await new Deno.Command("kubectl", {
        args: ["--kubeconfig", cp.kubeconfig.path, "get", "namespaces", "-o", "name"],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      assert.match(stdout, /namespace\/default/);
      assert.match(stdout, /namespace\/kube-system/);
    });

    await t.step("createUser gives a user that RBAC governs", async () => {
      const viewerConfig = await cp.createUser("viewer", ["viewers"]);
      const viewer = await clusterFromKubeconfig(viewerConfig.path);
      await withNamespace(async (ns) => {
        const path = `/api/v1/namespaces/${ns}/configmaps`;
        await assert.rejects(
          viewer.request("GET", path),
          (err) => err instanceof TestRequestError && err.status === 403,
        );
        // Not the aggregated "view" ClusterRole: without controller-manager it has no rules.
        const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}`;
        await cluster.request("POST", `${rbac}/roles`, {
          metadata: { name: "configmap-reader" },
          rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }],
        });
        await cluster.request("POST", `${rbac}/rolebindings`, {
          metadata: { name: "viewers-read" },
          roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "Role",
            name: "configmap-reader",
          },
          subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "viewers" }],
        });
        const allowed = await eventually(async () =>
          (await viewer.request("GET", path, undefined, { throwOnError: false })).status === 200
        );
        assert.ok(allowed, "viewer still forbidden after the RoleBinding");
      }, { cluster, prefix: "rbac" });
    });
  } finally {
    await cp.stop();
  }
  for (const pid of pids) assert.equal(await processAlive(pid), false, `pid ${pid} still running`);
  assert.equal(await pathExists(cp.dir), false, `${cp.dir} left behind`);
  await cp.stop(); // idempotent
});

for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
  Deno.test(`control plane: cleaned up when the test process gets ${signal}`, async () => {
    const fixture = new URL("./fixtures/start_and_wait.ts", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", fixture],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const info = JSON.parse(text) as { dir: string; pids: number[] };
    assert.equal(info.pids.length, 2);
    for (const pid of info.pids) assert.ok(await processAlive(pid), `pid ${pid} not running`);
    child.kill(signal);
    await child.status;
    await reader.cancel();
    const allGone = await eventually(async () => {
      for (const pid of info.pids) if (await processAlive(pid)) return false;
      return !(await pathExists(info.dir));
    });
    assert.ok(allGone, `processes ${info.pids} or folder ${info.dir} left after ${signal}`);
  });
}

Deno.test("with_control_plane runs the command against one control plane and forwards its exit code", async () => {
  const tool = new URL("../../tools/with_control_plane.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      tool,
      "--",
      "sh",
      "-c",
      'kubectl --kubeconfig "$STAIRCASE_TEST_KUBECONFIG" get namespace default -o name && echo "$STAIRCASE_TEST_KUBECONFIG"; exit 7',
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  assert.equal(out.code, 7, new TextDecoder().decode(out.stderr));
  assert.equal(lines[0], "namespace/default");
  assert.equal(await pathExists(lines[1]), false, "kubeconfig folder left behind");
});

Deno.test("useTestControlPlane starts one control plane lazily and cleans it up at exit", async () => {
  const fixture = new URL("./fixtures/shared_lazy.ts", import.meta.url).pathname;
  const env = Deno.env.toObject();
  delete env.STAIRCASE_TEST_KUBECONFIG;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", fixture],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    kubeconfig: string;
    namespace: string;
  };
  assert.match(info.namespace, /^test-[0-9a-f]{8}$/);
  assert.ok(
    await eventually(async () => !(await pathExists(info.kubeconfig))),
    "lazily started control plane left its folder",
  );
});
