// Copyright 2026 the staircase authors. Apache-2.0 license.
import assert from "node:assert/strict";
import { startControlPlane } from "../../lib/testing/control_plane.ts";
import { ensureControlPlaneAssets } from "../../lib/testing/assets/ensure.ts";
import {
  clusterFromKubeconfig,
  TestRequestError,
  withNamespace,
} from "../../lib/testing/shared.ts";
import { type FirstLineProcess, spawnFirstLine } from "../../lib/testing/_first_line.ts";
import { controlPlanePids, eventually, pathExists, processAlive } from "./helpers.ts";
// The status tests' Widget CRD, installed here on this test's own control plane.
import { widgetCrd, widgetPath, Widgets } from "../status/_widgets.ts";
import { whoAmI } from "../_fixtures.ts";

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

    await t.step("client() talks to it as admin with staircase's client", async () => {
      using client = cp.client();
      const list = await client.performRequest({
        method: "GET",
        path: "/api/v1/namespaces",
        expectJson: true,
      }) as { items: { metadata: { name: string } }[] };
      assert.ok(list.items.some((ns) => ns.metadata.name === "kube-system"));
      const user = await whoAmI(client);
      assert.equal(user.username, "admin");
      assert.ok(user.groups.includes("system:masters"));
    });

    await t.step("/version reports the built version", async () => {
      const assets = await ensureControlPlaneAssets();
      const { body } = await cluster.request<Record<string, string>>("GET", "/version");
      // Unknown only when KUBEBUILDER_ASSETS / TEST_ASSET_* name binaries built elsewhere.
      const expected = assets.kubernetesVersion;
      if (expected) {
        assert.equal(body.gitVersion, expected);
        assert.equal(`v${body.major}.${body.minor}`, expected.split(".").slice(0, 2).join("."));
        assert.equal(body.gitTreeState, "clean");
        assert.notEqual(body.buildDate, "1970-01-01T00:00:00Z");
      } else {
        assert.match(body.gitVersion, /^v1\.\d+\.\d+$/);
      }
    });

    await t.step("a TokenRequest token authenticates as its service account", async () => {
      await withNamespace(async (ns) => {
        // No controller-manager: service accounts are not made by default.
        await cluster.request("POST", `/api/v1/namespaces/${ns}/serviceaccounts`, {
          metadata: { name: "robot" },
        });
        const { body: tr } = await cluster.request<{ status: { token: string } }>(
          "POST",
          `/api/v1/namespaces/${ns}/serviceaccounts/robot/token`,
          { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} },
        );
        const client = Deno.createHttpClient({ caCerts: [cp.serverCaPem] });
        try {
          const review = async (token: string) => {
            const res = await fetch(
              `${cp.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
              {
                method: "POST",
                client,
                headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
                body: JSON.stringify({
                  apiVersion: "authentication.k8s.io/v1",
                  kind: "SelfSubjectReview",
                }),
              },
            );
            const body = await res.json() as { status?: { userInfo?: { username?: string } } };
            return { status: res.status, body };
          };
          const ok = await review(tr.status.token);
          assert.equal(ok.status, 201, JSON.stringify(ok.body));
          assert.equal(ok.body.status?.userInfo?.username, `system:serviceaccount:${ns}:robot`);
          // A token with a forged signature is refused.
          const forged = tr.status.token.slice(0, -4) +
            (tr.status.token.endsWith("AAAA") ? "BBBB" : "AAAA");
          assert.equal((await review(forged)).status, 401);
        } finally {
          client.close();
        }
      }, { cluster, prefix: "sa" });
    });

    await t.step("a CRD becomes Established", async () => {
      await cluster.request(
        "POST",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        widgetCrd,
      );
      const established = await eventually(async () => {
        const { body } = await cluster.request<CrdStatus>(
          "GET",
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${widgetCrd.metadata?.name}`,
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
            [widgetPath(ns), {
              apiVersion: Widgets.apiVersion,
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
        // A Role, not the aggregated "view" ClusterRole, which has rules only once
        // kube-controller-manager has aggregated them.
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

/** Starts `fixture` (which prints one JSON line first) and returns the line and the child. */
function spawnFixture(fixture: string, ownGroup = false): Promise<FirstLineProcess> {
  const path = new URL(`./fixtures/${fixture}`, import.meta.url).pathname;
  const args = ["run", "-A", path];
  // setsid: its own process group, so the group can be signalled like a terminal's Ctrl-C.
  return ownGroup
    ? spawnFirstLine("setsid", [Deno.execPath(), ...args])
    : spawnFirstLine(Deno.execPath(), args);
}

const ENDINGS = [
  { name: "SIGTERM", send: (pid: number) => Deno.kill(pid, "SIGTERM") },
  { name: "SIGINT", send: (pid: number) => Deno.kill(pid, "SIGINT") },
  { name: "SIGKILL", send: (pid: number) => Deno.kill(pid, "SIGKILL") },
  // A terminal's Ctrl-C signals every process of the group: the binaries and the watchdog.
  {
    name: "SIGINT to its process group",
    group: true,
    send: (pid: number) => Deno.kill(-pid, "SIGINT"),
  },
];

for (const ending of ENDINGS) {
  Deno.test(`control plane: cleaned up when the test process gets ${ending.name}`, async () => {
    const { child, firstLine, rest } = await spawnFixture("start_and_wait.ts", ending.group);
    const info = JSON.parse(firstLine) as { dir: string; pids: number[] };
    assert.equal(info.pids.length, 3, "etcd, kube-apiserver and kube-controller-manager");
    for (const pid of info.pids) assert.ok(await processAlive(pid), `pid ${pid} not running`);
    ending.send(child.pid);
    await child.status;
    await rest;
    const allGone = await eventually(async () => {
      for (const pid of info.pids) if (await processAlive(pid)) return false;
      return !(await pathExists(info.dir));
    });
    assert.ok(allGone, `processes ${info.pids} or folder ${info.dir} left after ${ending.name}`);
  });
}

Deno.test("a running control plane leaves the host program's own SIGINT handling alone", async () => {
  const { child, firstLine, rest } = await spawnFixture("host_sigint.ts");
  const info = JSON.parse(firstLine) as { dir: string; pids: number[] };
  Deno.kill(child.pid, "SIGINT");
  const status = await child.status;
  const out = await rest;
  // The host's handler ran to its end, used the still-running control plane, chose its code.
  assert.equal(status.code, 0, out);
  assert.match(out, /host handler: \/readyz 200/);
  assert.match(out, /host handler: stopped/);
  assert.equal(await pathExists(info.dir), false);
  for (const pid of info.pids) assert.equal(await processAlive(pid), false, `pid ${pid} left`);
});

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
