// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * A real local Kubernetes control plane (etcd + kube-apiserver + kube-controller-manager) for
 * tests, like envtest.
 *
 * Without kube-controller-manager there is no garbage collection (owner references are not
 * followed), namespaces stay `Terminating` after delete and no default service accounts or
 * tokens are made. With it (`controllerManager: true`) those work; see
 * `CONTROLLER_MANAGER_CONTROLLERS` for which controllers run. There is never a
 * scheduler or kubelet: no pods ever run.
 *
 * @module
 */
import { join } from "node:path";
import { HttpRestClient, type HttpRestClientOptions } from "../client/http_client.ts";
import { ensureControlPlaneAssets } from "./assets/ensure.ts";
import { checkExecutable } from "./assets/ensure.ts";
import type { ControlPlaneAssets } from "./assets/ensure.ts";
import type { ProgressReporter } from "./assets/go_build.ts";
import { ControlPlaneTempDirError, PortInUseError } from "./errors.ts";
import { buildKubeconfig, type KubeconfigFile, writeKubeconfig } from "./kubeconfig.ts";
import { type ControlPlanePorts, launchControlPlane } from "./launch.ts";
import { assertPortFree, freePort } from "./ports.ts";
import { type LoggedProcess, startReaper, terminate } from "./processes.ts";
import { track, untrack } from "./cleanup.ts";

/** Options for {@linkcode startControlPlane}. */
export interface ControlPlaneOptions {
  /**
   * Binaries to use; default: {@linkcode ensureControlPlaneAssets} (env overrides or build).
   * `kubeControllerManager` is needed with `controllerManager: true`.
   */
  assets?: Pick<ControlPlaneAssets, "kubeApiServer" | "etcd" | "kubeControllerManager">;
  /**
   * Run kube-controller-manager with the controllers of
   * `CONTROLLER_MANAGER_CONTROLLERS` (garbage collection, namespace deletion, service
   * accounts and their tokens, aggregated ClusterRoles, quota); it is built on first use like
   * the other binaries and adds under a second to the start. Left unset, it runs whenever its
   * binary is at hand: always with the build cache, and with `assets` or KUBEBUILDER_ASSETS /
   * TEST_ASSET_* only when they include it (envtest's asset folders do not). `true` makes a
   * missing binary an error, `false` never runs it.
   * @default {true when its binary is available}
   */
  controllerManager?: boolean;
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
  /** Progress lines while binaries are built on first use (default: stderr). */
  onProgress?: ProgressReporter;
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
  /** Whether kube-controller-manager runs. */
  controllerManager: boolean;
  /** Log file paths (`controllerManager` only when it runs). */
  logs: { etcd: string; apiServer: string; controllerManager?: string };
  /**
   * A staircase client for the admin user. Close it (or `using`) when done; it does not outlive
   * the control plane.
   */
  client(options?: HttpRestClientOptions): HttpRestClient;
  /**
   * Makes a client-certificate user (signed by the throwaway CA) with the groups given, and
   * writes a kubeconfig for it. It has no permissions until RBAC grants them.
   */
  createUser(name: string, groups?: string[]): Promise<KubeconfigFile>;
  /** Stops the processes, waits for them and removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const START_TIMEOUT_ENV = "STAIRCASE_CONTROL_PLANE_START_TIMEOUT";
// A port picked as free can be taken by another process before a binary binds it (parallel
// test runs); starting again on new ports fixes that.
const PORT_ATTEMPTS = 3;

/**
 * Reads the start timeout: the option, else env `STAIRCASE_CONTROL_PLANE_START_TIMEOUT`
 * (seconds), else 60 s.
 *
 * @example
 * ```ts ignore
 * import { startTimeout } from "./control_plane.ts";
 * startTimeout({}); // 60_000 unless the env var says otherwise
 * ```
 */
export function startTimeout(options: { startTimeoutMs?: number }): number {
  const ms = options.startTimeoutMs;
  if (ms !== undefined) {
    // NaN would never time out: a control plane that cannot start would hang the caller.
    if (typeof ms !== "number" || !(ms > 0)) {
      throw new RangeError(`startTimeoutMs must be a number of ms > 0, got ${ms}`);
    }
    return ms;
  }
  const env = Deno.env.get(START_TIMEOUT_ENV);
  if (env === undefined || env.trim() === "") return DEFAULT_START_TIMEOUT_MS;
  const secs = Number(env);
  if (!Number.isFinite(secs) || secs <= 0) {
    throw new TypeError(`${START_TIMEOUT_ENV}="${env}" must be a positive number of seconds`);
  }
  return secs * 1000;
}

/**
 * Starts etcd, kube-apiserver and (unless `controllerManager: false` or its binary is not at
 * hand) kube-controller-manager on free loopback ports and waits until all are ready. Binaries
 * come from `KUBEBUILDER_ASSETS` / `TEST_ASSET_*` or are built with Go on first use. Everything is
 * cleaned up by `stop()`, `await using`, at process exit, and by a watchdog process when this
 * process dies any other way (a signal, `kill -9`). No signal listener is installed, so the
 * host program's own SIGINT/SIGTERM handling is unchanged. Ports picked as free that another
 * process takes before the binaries bind them are picked again (3 tries).
 *
 * @example
 * ```ts
 * import { startControlPlane } from "@staircase/staircase/testing";
 *
 * async function listNamespaces(): Promise<unknown> {
 *   await using cp = await startControlPlane({ controllerManager: true });
 *   using client = cp.client();
 *   return await client.performRequest({
 *     method: "GET",
 *     path: "/api/v1/namespaces",
 *     expectJson: true,
 *   });
 * }
 * ```
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const timeoutMs = startTimeout(options);
  const assets = options.assets ?? await ensureControlPlaneAssets({
    controllerManager: options.controllerManager ?? "if-available",
    onProgress: options.onProgress,
  });
  const controllerManager = options.controllerManager ??
    assets.kubeControllerManager !== undefined;
  if (options.assets) {
    await checkExecutable("kube-apiserver", assets.kubeApiServer, "options");
    await checkExecutable("etcd", assets.etcd, "options");
    if (controllerManager) {
      await checkExecutable(
        "kube-controller-manager",
        assets.kubeControllerManager ?? "(unset)",
        "options",
      );
    }
  }
  for (let attempt = 1;; attempt++) {
    if (options.apiServerPort !== undefined) {
      assertPortFree(options.apiServerPort, "kube-apiserver");
    }
    if (options.etcdPort !== undefined) assertPortFree(options.etcdPort, "etcd");
    try {
      return await startOnce(assets, options, controllerManager, timeoutMs);
    } catch (err) {
      if (!(err instanceof PortInUseError) || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

async function startOnce(
  assets: Pick<ControlPlaneAssets, "kubeApiServer" | "etcd" | "kubeControllerManager">,
  options: ControlPlaneOptions,
  controllerManager: boolean,
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
      // Stop in reverse start order, so the API server does not log etcd errors for long.
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

  try {
    const ports: ControlPlanePorts = {
      etcd: options.etcdPort ?? freePort(),
      etcdPeer: freePort(),
      apiServer: options.apiServerPort ?? freePort(),
      controllerManager: controllerManager ? freePort() : undefined,
    };
    const launched = await launchControlPlane({
      assets,
      dir,
      ports,
      controllerManager,
      fsync: false,
      detached: false,
      extraApiServerArgs: options.extraApiServerArgs,
      timeoutMs,
      onSpawn: async (_name, process) => {
        processes.push(process);
        if (options.unref) process.child.unref();
        await Deno.writeTextFile(pidFile, `${process.child.pid} `, { append: true });
      },
    });
    const { url, serverCaPem, ca, admin } = launched;
    await Deno.mkdir(join(dir, "users"));
    return {
      url,
      kubeconfig: launched.kubeconfig,
      serverCaPem,
      dir,
      controllerManager,
      logs: launched.logs,
      client(clientOptions?: HttpRestClientOptions): HttpRestClient {
        return new HttpRestClient({
          server: url,
          caCerts: [serverCaPem],
          clientCertificate: { cert: admin.certPem, key: admin.keyPem },
          description: `the test control plane at ${url} (admin)`,
        }, clientOptions);
      },
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
