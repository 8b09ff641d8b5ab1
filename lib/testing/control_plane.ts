// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * A real local Kubernetes control plane (etcd + kube-apiserver) for tests, like envtest.
 *
 * There is no controller-manager or scheduler: no garbage collection (owner references are
 * not followed), namespaces stay `Terminating` after delete, no default service accounts or
 * tokens, no pods ever run. Use a fresh namespace per test instead of deleting things.
 *
 * @module
 */
import { join } from "node:path";
import { createCertificateAuthority, generateKeyPairPem } from "./certs.ts";
import { ensureControlPlaneAssets } from "./assets/ensure.ts";
import { checkExecutable } from "./assets/ensure.ts";
import type { ControlPlaneAssets } from "./assets/ensure.ts";
import { ControlPlaneTempDirError, PortInUseError } from "./errors.ts";
import { buildKubeconfig, type KubeconfigFile, writeKubeconfig } from "./kubeconfig.ts";
import { assertPortFree, freePort } from "./ports.ts";
import { type LoggedProcess, spawnLogged, startReaper, terminate } from "./processes.ts";
import { track, untrack } from "./cleanup.ts";
import { waitReady } from "./ready.ts";

/** Options for {@linkcode startControlPlane}. */
export interface ControlPlaneOptions {
  /** Binaries to use; default: {@linkcode ensureControlPlaneAssets} (env overrides or build). */
  assets?: Pick<ControlPlaneAssets, "kubeApiServer" | "etcd">;
  /** kube-apiserver port on 127.0.0.1 (default: a free port). */
  apiServerPort?: number;
  /** etcd client port on 127.0.0.1 (default: a free port). */
  etcdPort?: number;
  /**
   * How long to wait for `/readyz` in ms. Default: env `STAIRCASE_CONTROL_PLANE_START_TIMEOUT`
   * (seconds) or 60 s.
   */
  startTimeoutMs?: number;
  /** Extra kube-apiserver flags, like `["--feature-gates=Foo=true"]`. */
  extraApiServerArgs?: string[];
  /** Parent folder of the temp folder (default: the system temp folder). */
  tempDir?: string;
  /**
   * Let this Deno process exit while the control plane still runs (default false); it is then
   * stopped by the exit handlers and the watchdog. Used for the lazily shared control plane.
   */
  unref?: boolean;
}

/** A running control plane. */
export interface ControlPlane extends AsyncDisposable {
  /** The API server URL, like "https://127.0.0.1:41234". */
  url: string;
  /** The admin kubeconfig (user "admin" in group system:masters). */
  kubeconfig: KubeconfigFile;
  /** PEM of the CA that signed the API server's serving certificate. */
  serverCaPem: string;
  /** The temp folder holding data, certificates, logs and kubeconfigs (removed by stop). */
  dir: string;
  /** Log file paths. */
  logs: { etcd: string; apiServer: string };
  /**
   * Makes a client-certificate user (signed by the throwaway CA) with the groups given, and
   * writes a kubeconfig for it. It has no permissions until RBAC grants them.
   */
  createUser(name: string, groups?: string[]): Promise<KubeconfigFile>;
  /** Stops both processes, waits for them and removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const START_TIMEOUT_ENV = "STAIRCASE_CONTROL_PLANE_START_TIMEOUT";
// A port picked as free can be taken by another process before etcd or kube-apiserver binds
// it (parallel test runs); starting again on new ports fixes that.
const PORT_ATTEMPTS = 3;

function startTimeout(options: ControlPlaneOptions): number {
  if (options.startTimeoutMs !== undefined) return options.startTimeoutMs;
  const env = Deno.env.get(START_TIMEOUT_ENV);
  if (env === undefined || env.trim() === "") return DEFAULT_START_TIMEOUT_MS;
  const secs = Number(env);
  if (!Number.isFinite(secs) || secs <= 0) {
    throw new TypeError(`${START_TIMEOUT_ENV}="${env}" must be a positive number of seconds`);
  }
  return secs * 1000;
}

/**
 * Starts etcd and kube-apiserver on free loopback ports and waits until `/readyz` passes.
 * Binaries come from `KUBEBUILDER_ASSETS` / `TEST_ASSET_*` or are built with Go on first use.
 * Everything is cleaned up by `stop()`, `await using`, at process exit, and by a watchdog
 * process when this process dies any other way (a signal, `kill -9`). No signal listener is
 * installed, so the host program's own SIGINT/SIGTERM handling is unchanged. Ports picked as
 * free that another process takes before the binaries bind them are picked again (3 tries).
 *
 * @example
 * ```ts ignore
 * import { startControlPlane } from "./control_plane.ts";
 * await using cp = await startControlPlane();
 * console.log(cp.url, cp.kubeconfig.path);
 * ```
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const timeoutMs = startTimeout(options);
  const assets = options.assets ?? await ensureControlPlaneAssets();
  if (options.assets) {
    await checkExecutable("kube-apiserver", assets.kubeApiServer, "options");
    await checkExecutable("etcd", assets.etcd, "options");
  }
  for (let attempt = 1;; attempt++) {
    if (options.apiServerPort !== undefined) {
      assertPortFree(options.apiServerPort, "kube-apiserver");
    }
    if (options.etcdPort !== undefined) assertPortFree(options.etcdPort, "etcd");
    try {
      return await startOnce(assets, options, timeoutMs);
    } catch (err) {
      if (!(err instanceof PortInUseError) || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

async function startOnce(
  assets: Pick<ControlPlaneAssets, "kubeApiServer" | "etcd">,
  options: ControlPlaneOptions,
  timeoutMs: number,
): Promise<ControlPlane> {
  const dir = await makeTempDir(options.tempDir);
  const pidFile = join(dir, "pids");
  await Deno.writeTextFile(pidFile, "");
  const reaper = startReaper(dir, pidFile);
  if (options.unref) reaper.unref();
  const processes: LoggedProcess[] = [];
  let stopped: Promise<void> | undefined;
  // graceMs: how long each process may take to exit after SIGTERM before SIGKILL.
  const stopWithin = (graceMs: number): Promise<void> => {
    stopped ??= (async () => {
      untrack(entry);
      // Stop the API server first so it does not log etcd connection errors for long.
      for (const p of [...processes].reverse()) await terminate(p, graceMs);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      try {
        reaper.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await reaper.status;
    })();
    return stopped;
  };
  const stop = (): Promise<void> => stopWithin(10_000);
  const entry = { dir, processes };
  track(entry);

  const logs = { etcd: join(dir, "etcd.log"), apiServer: join(dir, "kube-apiserver.log") };
  try {
    const pki = join(dir, "pki");
    await Deno.mkdir(pki);
    const ca = await createCertificateAuthority("staircase-test-client-ca");
    const admin = await ca.issueClientCertificate("admin", ["system:masters"]);
    const sa = await generateKeyPairPem();
    await Deno.writeTextFile(join(pki, "client-ca.crt"), ca.certPem);
    await Deno.writeTextFile(join(pki, "sa.pub"), sa.publicKeyPem);
    await Deno.writeTextFile(join(pki, "sa.key"), sa.privateKeyPem, { mode: 0o600 });

    const etcdPort = options.etcdPort ?? freePort();
    const peerPort = freePort();
    const apiPort = options.apiServerPort ?? freePort();
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcd = spawnLogged(assets.etcd, [
      `--data-dir=${join(dir, "etcd-data")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      "--unsafe-no-fsync=true",
      "--log-level=warn",
    ], logs.etcd);
    processes.push(etcd);
    if (options.unref) etcd.child.unref();
    await Deno.writeTextFile(pidFile, `${etcd.child.pid} `, { append: true });

    const certDir = join(dir, "serving-certs");
    const url = `https://127.0.0.1:${apiPort}`;
    const apiServer = spawnLogged(assets.kubeApiServer, [
      `--etcd-servers=${etcdUrl}`,
      `--cert-dir=${certDir}`,
      `--secure-port=${apiPort}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      // A loopback advertise address is refused by the default endpoint reconciler.
      "--endpoint-reconciler-type=none",
      "--service-cluster-ip-range=10.0.0.0/24",
      "--allow-privileged=true",
      "--disable-admission-plugins=ServiceAccount",
      "--authorization-mode=RBAC",
      `--client-ca-file=${join(pki, "client-ca.crt")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${join(pki, "sa.pub")}`,
      `--service-account-signing-key-file=${join(pki, "sa.key")}`,
      ...(options.extraApiServerArgs ?? []),
    ], logs.apiServer);
    processes.push(apiServer);
    if (options.unref) apiServer.child.unref();
    await Deno.writeTextFile(pidFile, `${apiServer.child.pid} `, { append: true });

    const serverCaPem = await waitReady({
      url,
      certDir,
      clientCertPem: admin.certPem,
      clientKeyPem: admin.keyPem,
      etcd,
      apiServer,
      logs,
      ports: { etcd: etcdPort, apiServer: apiPort },
      timeoutMs,
    });
    const kubeconfig = await writeKubeconfig(
      join(dir, "admin.kubeconfig"),
      buildKubeconfig({
        server: url,
        caPem: serverCaPem,
        certPem: admin.certPem,
        keyPem: admin.keyPem,
        userName: "admin",
      }),
    );
    await Deno.mkdir(join(dir, "users"));
    return {
      url,
      kubeconfig,
      serverCaPem,
      dir,
      logs,
      async createUser(name: string, groups: string[] = []): Promise<KubeconfigFile> {
        if (!/^[A-Za-z0-9._@:-]+$/.test(name)) {
          throw new TypeError(`User name "${name}" must match [A-Za-z0-9._@:-]+`);
        }
        const cert = await ca.issueClientCertificate(name, groups);
        const config = buildKubeconfig({
          server: url,
          caPem: serverCaPem,
          certPem: cert.certPem,
          keyPem: cert.keyPem,
          userName: name,
        });
        return await writeKubeconfig(join(dir, "users", `${name}.kubeconfig`), config);
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    // A half-started API server can take its full grace period to shut down; nothing of it
    // is worth keeping.
    await stopWithin(0);
    throw err;
  }
}

async function makeTempDir(parent: string | undefined): Promise<string> {
  try {
    return await Deno.makeTempDir({ dir: parent, prefix: "staircase-control-plane-" });
  } catch (err) {
    throw new ControlPlaneTempDirError(parent ?? "the system temp folder", { cause: err });
  }
}
