// Copyright 2026 the staircase authors. Apache-2.0 license.
// `deno task cluster` end to end, as a developer runs it: up → kubectl → down leaves nothing
// behind; up twice reports the running one; a SIGKILLed instance is cleaned up by the next up;
// stop → up keeps the data; two clusters at once; a taken port and --fresh on a running one
// are named errors. Each test uses its own clusters folder (env STAIRCASE_CLUSTERS_DIR).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { eventually, pathExists, processAlive } from "./helpers.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const tool = join(repo, "tools", "cluster.ts");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cluster(root: string, ...args: string[]): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", tool, ...args],
    cwd: repo,
    env: { STAIRCASE_CLUSTERS_DIR: root },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

function ok(run: Run): string {
  assert.equal(run.code, 0, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

async function kubectl(kubeconfig: string, ...args: string[]): Promise<Run> {
  const out = await new Deno.Command("kubectl", {
    args: [`--kubeconfig=${kubeconfig}`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

interface State {
  ports: { apiServer: number };
  pids: Record<string, number>;
}

async function state(root: string, name: string): Promise<State> {
  return JSON.parse(await Deno.readTextFile(join(root, name, "state.json")));
}

/** PIDs of every process whose command line names `dir`. */
async function processesOf(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
    if (cmdline.includes(`${dir}/`) && await processAlive(pid)) pids.push(pid);
  }
  return pids;
}

/** Runs `fn` with an empty clusters folder; downs every cluster left and removes it after. */
async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "staircase-clusters-test-" });
  try {
    await fn(root);
  } finally {
    for await (const entry of Deno.readDir(root)) {
      if (entry.isDirectory) await cluster(root, "down", entry.name);
    }
    for (const pid of await processesOf(root)) Deno.kill(pid, "SIGKILL");
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("cluster: up, kubectl get ns, down leaves no process and no folder", () =>
  withRoot(async (root) => {
    const up = ok(await cluster(root, "up", "dev"));
    const kubeconfig = /^export KUBECONFIG=(.+)$/m.exec(up)?.[1];
    assert.equal(kubeconfig, join(root, "dev", "admin.kubeconfig"), up);
    assert.match(up, /cluster "dev" started at https:\/\/127\.0\.0\.1:\d+/);

    const ns = await kubectl(kubeconfig!, "get", "ns", "-o", "name");
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /namespace\/kube-system/);
    assert.equal(ok(await cluster(root, "kubeconfig", "dev")).trim(), kubeconfig);
    // An operator started with `deno run` and KUBECONFIG pointing at the cluster.
    const operator = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(repo, "tests/testing/fixtures/list_namespaces.ts")],
      cwd: repo,
      env: { KUBECONFIG: kubeconfig! },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const names = new TextDecoder().decode(operator.stdout);
    assert.equal(operator.code, 0, new TextDecoder().decode(operator.stderr));
    assert.match(names, /^kube-system$/m);
    assert.match(ok(await cluster(root, "status", "dev")), /cluster "dev": running/);
    const pids = Object.values((await state(root, "dev")).pids);
    assert.equal(pids.length, 3, "etcd, kube-apiserver and kube-controller-manager");

    assert.match(ok(await cluster(root, "down", "dev")), /stopped and removed/);
    assert.equal(await pathExists(join(root, "dev")), false, "the cluster folder is gone");
    for (const pid of pids) assert.equal(await processAlive(pid), false, `pid ${pid} still runs`);
    assert.deepEqual(await processesOf(root), []);
    const status = await cluster(root, "status", "dev");
    assert.equal(status.code, 1);
    assert.match(status.stderr, /ClusterNotFoundError/);
  }));

Deno.test("cluster: up twice reports the running one; --fresh on it is refused", () =>
  withRoot(async (root) => {
    const first = ok(await cluster(root, "up"));
    const before = await state(root, "default");
    const second = ok(await cluster(root, "up"));
    assert.match(second, /cluster "default" is already running at https:\/\/127\.0\.0\.1:/);
    assert.equal(
      /export KUBECONFIG=.+/.exec(second)?.[0],
      /export KUBECONFIG=.+/.exec(first)?.[0],
    );
    assert.deepEqual((await state(root, "default")).pids, before.pids, "nothing was restarted");

    const fresh = await cluster(root, "up", "--fresh");
    assert.equal(fresh.code, 1);
    assert.match(fresh.stderr, /ClusterRunningError: Cluster "default" is running/);
  }));

Deno.test("cluster: a SIGKILLed instance is detected and cleaned up by the next up", () =>
  withRoot(async (root) => {
    ok(await cluster(root, "up", "dev"));
    const killed = await state(root, "dev");
    Deno.kill(killed.pids["kube-apiserver"], "SIGKILL");
    assert.ok(await eventually(async () => !(await processAlive(killed.pids["kube-apiserver"]))));
    const status = await cluster(root, "status", "dev");
    assert.match(status.stdout, /cluster "dev": stale/);
    assert.match(status.stdout, /kube-apiserver \(pid \d+\) is gone/);

    const up = ok(await cluster(root, "up", "dev"));
    assert.match(up, /cleaned up a stale instance first: kube-apiserver \(pid \d+\) is gone/);
    for (const [component, pid] of Object.entries(killed.pids)) {
      assert.equal(await processAlive(pid), false, `the old ${component} (pid ${pid}) still runs`);
    }
    const now = await state(root, "dev");
    assert.equal(now.ports.apiServer, killed.ports.apiServer, "same port: the kubeconfig holds");
    const ns = await kubectl(join(root, "dev", "admin.kubeconfig"), "get", "ns");
    assert.equal(ns.code, 0, ns.stderr);
  }));

Deno.test("cluster: stop (or a reboot) then up keeps the data; two clusters run at once on their own ports", () =>
  withRoot(async (root) => {
    ok(await cluster(root, "up", "a"));
    ok(await cluster(root, "up", "b"));
    const a = join(root, "a", "admin.kubeconfig");
    const b = join(root, "b", "admin.kubeconfig");
    assert.notEqual(
      (await state(root, "a")).ports.apiServer,
      (await state(root, "b")).ports.apiServer,
    );
    assert.equal((await kubectl(a, "create", "namespace", "kept")).code, 0);
    assert.notEqual((await kubectl(b, "get", "namespace", "kept")).code, 0, "b has its own data");

    assert.match(ok(await cluster(root, "stop", "a")), /stopped \(data kept\)/);
    assert.deepEqual(await processesOf(join(root, "a")), []);
    // As after a reboot: the recorded PIDs now belong to unrelated live processes.
    const record = JSON.parse(await Deno.readTextFile(join(root, "a", "state.json")));
    record.pids = { etcd: 1, "kube-apiserver": Deno.pid };
    await Deno.writeTextFile(join(root, "a", "state.json"), JSON.stringify(record));
    const stopped = await cluster(root, "status", "a");
    assert.equal(stopped.code, 1, "status exits 1 unless the cluster runs");
    assert.match(stopped.stdout, /cluster "a": stopped/);
    assert.match(ok(await cluster(root, "up", "a")), /started again with its data/);
    const kept = await kubectl(a, "get", "namespace", "kept", "-o", "name");
    assert.equal(kept.stdout.trim(), "namespace/kept", kept.stderr);

    const all = ok(await cluster(root, "status"));
    assert.match(all, /cluster "a": running/);
    assert.match(all, /cluster "b": running/);
  }));

Deno.test("cluster: a port it keeps that another process took is a named error", () =>
  withRoot(async (root) => {
    ok(await cluster(root, "up", "dev"));
    const { ports } = await state(root, "dev");
    ok(await cluster(root, "stop", "dev"));
    const squatter = Deno.listen({ hostname: "127.0.0.1", port: ports.apiServer });
    try {
      const up = await cluster(root, "up", "dev");
      assert.equal(up.code, 1);
      assert.match(
        up.stderr,
        new RegExp(`ClusterPortInUseError: Port 127.0.0.1:${ports.apiServer} \\(kube-apiserver`),
      );
      assert.match(up.stderr, /--fresh/);
    } finally {
      squatter.close();
    }
    assert.equal(await pathExists(join(root, "dev", "etcd-data")), true, "the data was kept");
  }));

Deno.test("cluster: bad usage exits 2 with the usage text", async () => {
  const root = await Deno.makeTempDir({ prefix: "staircase-clusters-test-" });
  try {
    const bad = await cluster(root, "frob");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown command "frob"/);
    assert.match(bad.stderr, /usage: deno task cluster/);
    const name = await cluster(root, "up", "Not_A_Name");
    assert.equal(name.code, 1);
    assert.match(name.stderr, /TypeError: Cluster name "Not_A_Name" must be/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
