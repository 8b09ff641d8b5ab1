// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Finds the kube-apiserver, etcd and (when asked for) kube-controller-manager binaries,
 * building them with Go into a per-version cache folder when they are missing.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { homedir } from "node:os";
import { ControlPlaneAssetsError, ControlPlaneBuildError } from "./errors.ts";
import {
  buildEtcd,
  buildKubeApiServer,
  buildKubeControllerManager,
  type ProgressReporter,
} from "./go_build.ts";
import { acquireLock } from "./lock.ts";
import { isMissingModule } from "./missing_module.ts";
import { pathExists } from "./path_exists.ts";

/** The Kubernetes version built by default. */
export const DEFAULT_KUBERNETES_VERSION = "v1.37.2";
/** Older versions tried, in order, when the default cannot be built from the module proxy. */
export const FALLBACK_KUBERNETES_VERSIONS: readonly string[] = ["v1.36.3", "v1.35.4", "v1.34.4"];
/** The etcd version built by default (the newest 3.6.x on the module proxy). */
export const DEFAULT_ETCD_VERSION = "v3.6.16";

/** Where the control plane binaries are. */
export interface ControlPlaneAssets {
  /** Absolute path of the kube-apiserver binary. */
  kubeApiServer: string;
  /** Absolute path of the etcd binary. */
  etcd: string;
  /** Absolute path of kube-controller-manager, when it was asked for. */
  kubeControllerManager?: string;
  /** Where they came from: an override env var, the cache, or a fresh build. */
  source: "env" | "options" | "cache" | "build";
  /** The Kubernetes version, when known (always known for cache/build). */
  kubernetesVersion?: string;
  /** The etcd version, when known. */
  etcdVersion?: string;
}

/** Options for {@linkcode ensureControlPlaneAssets}. */
export interface EnsureAssetsOptions {
  /** Kubernetes version to build (default {@linkcode DEFAULT_KUBERNETES_VERSION}, with fallbacks). */
  kubernetesVersion?: string;
  /** etcd version to build (default {@linkcode DEFAULT_ETCD_VERSION}). */
  etcdVersion?: string;
  /** Cache root (default `$XDG_CACHE_HOME/staircase/control-plane` or `~/.cache/...`). */
  cacheDir?: string;
  /**
   * Also find or build kube-controller-manager (same version, same cache folder). With
   * `"if-available"`, binaries from KUBEBUILDER_ASSETS / TEST_ASSET_* that do not include it
   * (as envtest's asset folders do not) are returned without it instead of failing; without env
   * overrides it is built like `true`. `false` leaves it out.
   * @default {"if-available"}
   */
  controllerManager?: boolean | "if-available";
  /** Ignore KUBEBUILDER_ASSETS / TEST_ASSET_* (default false). */
  ignoreEnv?: boolean;
  /** Progress lines (default: stderr). */
  onProgress?: ProgressReporter;
}

/**
 * Returns the default cache root: `$XDG_CACHE_HOME/staircase/control-plane`, or
 * `~/.cache/staircase/control-plane`.
 *
 * @example
 * ```ts
 * import { defaultAssetCacheDir } from "./ensure.ts";
 * console.log(defaultAssetCacheDir());
 * ```
 */
export function defaultAssetCacheDir(): string {
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  return join(
    xdg && xdg.length > 0 ? xdg : join(homedir(), ".cache"),
    "staircase",
    "control-plane",
  );
}

/**
 * Returns paths to `kube-apiserver`, `etcd` and `kube-controller-manager` (unless
 * `controllerManager: false`): from `TEST_ASSET_KUBE_APISERVER` / `TEST_ASSET_ETCD` /
 * `TEST_ASSET_KUBE_CONTROLLER_MANAGER`, else from the `KUBEBUILDER_ASSETS` folder, else from
 * the build cache, building them with Go (minutes on a cold machine) when missing. Concurrent
 * callers share one build: a lock file serialises builders and each result is moved into place
 * atomically.
 *
 * @example
 * ```ts
 * import { ensureControlPlaneAssets } from "@staircase/staircase/testing";
 *
 * // Build (or find) the binaries ahead of a test run, e.g. in a CI cache step.
 * async function prebuild(): Promise<void> {
 *   const { kubeApiServer, etcd } = await ensureControlPlaneAssets();
 *   console.log(kubeApiServer, etcd);
 * }
 * ```
 */
export async function ensureControlPlaneAssets(
  options: EnsureAssetsOptions = {},
): Promise<ControlPlaneAssets> {
  const controllerManager = options.controllerManager ?? "if-available";
  if (!options.ignoreEnv) {
    const fromEnv = await assetsFromEnv(controllerManager);
    if (fromEnv) return fromEnv;
  }
  const progress = options.onProgress ?? ((line) => console.error(`[control-plane] ${line}`));
  const etcdVersion = options.etcdVersion ?? DEFAULT_ETCD_VERSION;
  const versions = options.kubernetesVersion
    ? [options.kubernetesVersion]
    : [DEFAULT_KUBERNETES_VERSION, ...FALLBACK_KUBERNETES_VERSIONS];
  const root = options.cacheDir ?? defaultAssetCacheDir();
  const failures: ControlPlaneBuildError[] = [];
  for (const version of versions) {
    try {
      const assets = await ensureVersion(root, version, etcdVersion, progress);
      if (!controllerManager) return assets;
      return await ensureControllerManager(root, assets, progress);
    } catch (err) {
      // Fall back only when the module proxy lacks something for this version.
      if (!(err instanceof ControlPlaneBuildError) || !isMissingModule(err.outputTail)) throw err;
      failures.push(err);
      progress(`kube-apiserver ${version} cannot be built from the module proxy; trying older`);
    }
  }
  throw failures[failures.length - 1];
}

async function assetsFromEnv(
  controllerManager: boolean | "if-available",
): Promise<ControlPlaneAssets | undefined> {
  const apiEnv = Deno.env.get("TEST_ASSET_KUBE_APISERVER");
  const etcdEnv = Deno.env.get("TEST_ASSET_ETCD");
  const folder = Deno.env.get("KUBEBUILDER_ASSETS");
  if (!apiEnv && !etcdEnv && !folder) return undefined;
  const api = apiEnv ?? (folder ? join(folder, "kube-apiserver") : undefined);
  const etcd = etcdEnv ?? (folder ? join(folder, "etcd") : undefined);
  if (!api) {
    throw new ControlPlaneAssetsError("kube-apiserver", "(unset)", "TEST_ASSET_KUBE_APISERVER");
  }
  if (!etcd) throw new ControlPlaneAssetsError("etcd", "(unset)", "TEST_ASSET_ETCD");
  await checkExecutable(
    "kube-apiserver",
    api,
    apiEnv ? "TEST_ASSET_KUBE_APISERVER" : "KUBEBUILDER_ASSETS",
  );
  await checkExecutable("etcd", etcd, etcdEnv ? "TEST_ASSET_ETCD" : "KUBEBUILDER_ASSETS");
  if (!controllerManager) return { kubeApiServer: api, etcd, source: "env" };
  const kcmEnv = Deno.env.get(KCM_ENV);
  const kcm = kcmEnv ?? (folder ? join(folder, "kube-controller-manager") : undefined);
  if (controllerManager === "if-available" && !kcmEnv && !(kcm && await pathExists(kcm))) {
    return { kubeApiServer: api, etcd, source: "env" };
  }
  if (!kcm) throw new ControlPlaneAssetsError("kube-controller-manager", "(unset)", KCM_ENV);
  await checkExecutable("kube-controller-manager", kcm, kcmEnv ? KCM_ENV : "KUBEBUILDER_ASSETS");
  return { kubeApiServer: api, etcd, kubeControllerManager: kcm, source: "env" };
}

const KCM_ENV = "TEST_ASSET_KUBE_CONTROLLER_MANAGER";

/**
 * Adds kube-controller-manager to a complete cache folder: built under the folder's lock in a
 * work folder, then renamed into place, so the file only ever appears whole.
 */
async function ensureControllerManager(
  root: string,
  assets: ControlPlaneAssets,
  progress: ProgressReporter,
): Promise<ControlPlaneAssets> {
  const version = assets.kubernetesVersion!;
  const dir = dirname(assets.kubeApiServer);
  const path = join(dir, "kube-controller-manager");
  const source = `the build cache; delete ${path} to rebuild`;
  const result: ControlPlaneAssets = { ...assets, kubeControllerManager: path };
  if (await pathExists(path)) {
    await checkExecutable("kube-controller-manager", path, source);
    return result;
  }
  const lock = await acquireLock(`${dir}.lock`, progress);
  try {
    if (await pathExists(path)) {
      await checkExecutable("kube-controller-manager", path, source);
      return result;
    }
    const work = await Deno.makeTempDir({ dir: root, prefix: ".build-" });
    try {
      progress(`building kube-controller-manager into ${dir} (once per version)`);
      await buildKubeControllerManager(version, work, work, { onProgress: progress });
      await Deno.rename(join(work, "kube-controller-manager"), path);
    } catch (err) {
      // Keep the small build log the error points to; drop a half-built binary.
      await Deno.remove(join(work, "kube-controller-manager")).catch(() => {});
      throw err;
    }
    await Deno.remove(work, { recursive: true });
    return { ...result, source: "build" };
  } finally {
    await lock.release();
  }
}

/**
 * Throws {@linkcode ControlPlaneAssetsError} unless `path` is an executable regular file.
 *
 * @example
 * ```ts ignore
 * import { checkExecutable } from "./ensure.ts";
 * await checkExecutable("etcd", "/usr/local/bin/etcd", "options");
 * ```
 */
export async function checkExecutable(
  component: string,
  path: string,
  source: string,
): Promise<void> {
  try {
    const info = await Deno.stat(path);
    if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return;
  } catch (err) {
    throw new ControlPlaneAssetsError(component, path, source, { cause: err });
  }
  throw new ControlPlaneAssetsError(component, path, source);
}

async function ensureVersion(
  root: string,
  version: string,
  etcdVersion: string,
  progress: ProgressReporter,
): Promise<ControlPlaneAssets> {
  const dir = join(root, `${version}-etcd${etcdVersion}`);
  const result: ControlPlaneAssets = {
    kubeApiServer: join(dir, "kube-apiserver"),
    etcd: join(dir, "etcd"),
    source: "cache",
    kubernetesVersion: version,
    etcdVersion,
  };
  // The final folder only ever appears complete (atomic rename), so its presence is enough;
  // the check catches binaries removed by hand afterwards.
  if (await pathExists(dir)) return await checkedCache(result, dir);
  await Deno.mkdir(root, { recursive: true });
  const lock = await acquireLock(join(root, `${version}-etcd${etcdVersion}.lock`), progress);
  try {
    if (await pathExists(dir)) return await checkedCache(result, dir);
    const work = await Deno.makeTempDir({ dir: root, prefix: ".build-" });
    const out = join(work, "out");
    await Deno.mkdir(out);
    progress(`building the control plane into ${dir} (once per version)`);
    try {
      await buildEtcd(etcdVersion, work, out, { onProgress: progress });
      await buildKubeApiServer(version, work, out, { onProgress: progress });
    } catch (err) {
      // Keep the small build logs the error points to; drop the large half-built binaries.
      await Deno.remove(out, { recursive: true }).catch(() => {});
      throw err;
    }
    await Deno.writeTextFile(
      join(out, "build-info.json"),
      JSON.stringify({ kubernetesVersion: version, etcdVersion, builtAt: new Date() }, null, 2),
    );
    try {
      await Deno.rename(out, dir);
    } catch (err) {
      // Another builder that broke a lock it wrongly took for stale got there first: use its.
      if (!(await pathExists(dir))) throw err;
    }
    await Deno.remove(work, { recursive: true });
    return { ...result, source: "build" };
  } finally {
    await lock.release();
  }
}

async function checkedCache(
  result: ControlPlaneAssets,
  dir: string,
): Promise<ControlPlaneAssets> {
  const source = `the build cache; delete ${dir} to rebuild`;
  await checkExecutable("kube-apiserver", result.kubeApiServer, source);
  await checkExecutable("etcd", result.etcd, source);
  return result;
}
