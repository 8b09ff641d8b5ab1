// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Builds kube-apiserver, kube-controller-manager and etcd from the Go module proxy, each in a
 * scratch module.
 *
 * @module
 */
import { join } from "node:path";
import { ControlPlaneBuildError, GoNotFoundError } from "./errors.ts";

/** Receives human-readable progress lines. */
export type ProgressReporter = (line: string) => void;

/** Options shared by the build functions. */
export interface GoBuildOptions {
  /** The `go` command (default: env `GO` or "go"). */
  goCommand?: string;
  /** Progress lines (default: written to stderr). */
  onProgress?: ProgressReporter;
}

/** A binary built from `k8s.io/kubernetes`. */
export type KubernetesComponent = "kube-apiserver" | "kube-controller-manager";

/**
 * Builds `kube-apiserver` at `version` (like "v1.37.2") into `outDir/kube-apiserver`.
 *
 * The scratch module requires `k8s.io/kubernetes` and replaces every staging module that
 * `k8s.io/kubernetes`'s own go.mod maps to `./staging/...` with `k8s.io/NAME v0.Y.Z`.
 *
 * @example
 * ```ts ignore
 * import { buildKubeApiServer } from "./go_build.ts";
 * await buildKubeApiServer("v1.37.2", "/tmp/work", "/tmp/out");
 * ```
 */
export function buildKubeApiServer(
  version: string,
  workDir: string,
  outDir: string,
  options: GoBuildOptions = {},
): Promise<void> {
  return buildKubernetesComponent("kube-apiserver", version, workDir, outDir, options);
}

/**
 * Builds `kube-controller-manager` at `version` into `outDir/kube-controller-manager`, from
 * the same scratch module as kube-apiserver (so a warm Go build cache shares most packages).
 *
 * @example
 * ```ts ignore
 * import { buildKubeControllerManager } from "./go_build.ts";
 * await buildKubeControllerManager("v1.37.2", "/tmp/work", "/tmp/out");
 * ```
 */
export function buildKubeControllerManager(
  version: string,
  workDir: string,
  outDir: string,
  options: GoBuildOptions = {},
): Promise<void> {
  return buildKubernetesComponent("kube-controller-manager", version, workDir, outDir, options);
}

async function buildKubernetesComponent(
  component: KubernetesComponent,
  version: string,
  workDir: string,
  outDir: string,
  options: GoBuildOptions,
): Promise<void> {
  const match = /^v1\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new TypeError(`Expected a Kubernetes version like "v1.37.2", got "${version}"`);
  const stagingVersion = `v0.${match[1]}.${match[2]}`;
  const go = goCommand(options);
  const progress = reporter(options);
  const modDir = join(workDir, `${component}-module`);
  await Deno.mkdir(modDir, { recursive: true });

  progress(`${component} ${version}: reading k8s.io/kubernetes's go.mod from the module proxy`);
  const download = await runGo(go, ["mod", "download", "-json", `k8s.io/kubernetes@${version}`], {
    cwd: workDir,
    component,
    version,
  });
  const info = JSON.parse(download) as { GoMod?: string; Error?: string };
  if (!info.GoMod) {
    throw new ControlPlaneBuildError(component, version, info.Error ?? download);
  }
  const upstream = await Deno.readTextFile(info.GoMod);
  const staging = stagingModules(upstream);
  if (staging.length === 0) {
    throw new ControlPlaneBuildError(
      component,
      version,
      `no "=> ./staging/" replace lines found in ${info.GoMod}`,
    );
  }
  const goLine = /^go\s+(\S+)\s*$/m.exec(upstream)?.[1] ?? "1.26.0";
  const godebug = upstream.split("\n").filter((l) => /^godebug\s/.test(l));
  const goMod = [
    `module staircase.local/${component}-build`,
    "",
    `go ${goLine}`,
    "",
    ...godebug,
    "",
    `require k8s.io/kubernetes ${version}`,
    "",
    "replace (",
    ...staging.map((name) => `\t${name} => ${name} ${stagingVersion}`),
    ")",
    "",
  ].join("\n");
  await Deno.writeTextFile(join(modDir, "go.mod"), goMod);

  const buildDate = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const vars: Record<string, string> = {
    gitVersion: version,
    gitMajor: "1",
    gitMinor: match[1],
    gitTreeState: "clean",
    buildDate,
  };
  const ldflags = ["-s", "-w"];
  for (const pkg of ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]) {
    for (const [key, value] of Object.entries(vars)) ldflags.push(`-X ${pkg}.${key}=${value}`);
  }
  const expected = component === "kube-apiserver"
    ? "a cold build takes 10-20 min on 2 cores"
    : "a few minutes after kube-apiserver, whose packages it mostly shares";
  progress(
    `${component} ${version}: building (${staging.length} staging modules replaced; ${expected})`,
  );
  await goBuild(
    go,
    modDir,
    `k8s.io/kubernetes/cmd/${component}`,
    join(outDir, component),
    {
      ldflags: ldflags.join(" "),
      component,
      version,
      progress,
      logPath: join(workDir, `${component}-build.log`),
    },
  );
}

/**
 * Builds `etcd` at `version` (like "v3.6.16") into `outDir/etcd`, from the package at the
 * root of `go.etcd.io/etcd/server/v3`.
 *
 * @example
 * ```ts ignore
 * import { buildEtcd } from "./go_build.ts";
 * await buildEtcd("v3.6.16", "/tmp/work", "/tmp/out");
 * ```
 */
export async function buildEtcd(
  version: string,
  workDir: string,
  outDir: string,
  options: GoBuildOptions = {},
): Promise<void> {
  if (!/^v3\.\d+\.\d+$/.test(version)) {
    throw new TypeError(`Expected an etcd version like "v3.6.16", got "${version}"`);
  }
  const go = goCommand(options);
  const progress = reporter(options);
  const modDir = join(workDir, "etcd-module");
  await Deno.mkdir(modDir, { recursive: true });
  await Deno.writeTextFile(
    join(modDir, "go.mod"),
    `module staircase.local/etcd-build\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 ${version}\n`,
  );
  progress(`etcd ${version}: building (about 1-2 min cold)`);
  await goBuild(go, modDir, "go.etcd.io/etcd/server/v3", join(outDir, "etcd"), {
    ldflags: "-s -w",
    component: "etcd",
    version,
    progress,
    logPath: join(workDir, "etcd-build.log"),
  });
}

/**
 * Lists the module paths that a go.mod replaces with `./staging/...` folders.
 *
 * @example
 * ```ts
 * import { stagingModules } from "./go_build.ts";
 * stagingModules("replace k8s.io/api => ./staging/src/k8s.io/api\n"); // ["k8s.io/api"]
 * ```
 */
export function stagingModules(goMod: string): string[] {
  const names = new Set<string>();
  for (const line of goMod.split("\n")) {
    const m = /^\s*(?:replace\s+)?(k8s\.io\/[A-Za-z0-9._\/-]+)\s*=>\s*\.\/staging\//.exec(line);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

function goCommand(options: GoBuildOptions): string {
  return options.goCommand ?? Deno.env.get("GO") ?? "go";
}

function reporter(options: GoBuildOptions): ProgressReporter {
  return options.onProgress ?? ((line) => console.error(`[control-plane] ${line}`));
}

function goEnv(): Record<string, string> {
  const flags = (Deno.env.get("GOFLAGS") ?? "").split(/\s+/).filter((f) => f && !/^-mod=/.test(f));
  // -mod=mod lets the scratch module resolve and record its requirements while building.
  return { CGO_ENABLED: "0", GOWORK: "off", GOFLAGS: [...flags, "-mod=mod"].join(" ") };
}

function spawnGo(go: string, args: string[], cwd: string): Deno.ChildProcess {
  try {
    return new Deno.Command(go, {
      args,
      cwd,
      env: goEnv(),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new GoNotFoundError(go, { cause: err });
    throw err;
  }
}

async function runGo(
  go: string,
  args: string[],
  ctx: { cwd: string; component: string; version: string },
): Promise<string> {
  const child = spawnGo(go, args, ctx.cwd);
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr);
    throw new ControlPlaneBuildError(ctx.component, ctx.version, tail(`${stdout}\n${stderr}`));
  }
  return stdout;
}

async function goBuild(
  go: string,
  cwd: string,
  pkg: string,
  output: string,
  ctx: {
    ldflags: string;
    component: string;
    version: string;
    progress: ProgressReporter;
    logPath: string;
  },
): Promise<void> {
  const started = Date.now();
  const args = ["build", "-v", "-trimpath", "-ldflags", ctx.ldflags, "-o", output, pkg];
  const child = spawnGo(go, args, cwd);
  const log = await Deno.open(ctx.logPath, { write: true, create: true, truncate: true });
  let packages = 0;
  let downloads = 0;
  let recent: string[] = [];
  let lastReport = Date.now();
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>): Promise<void> => {
    let pending = "";
    for await (const chunk of stream) {
      await log.write(chunk);
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("go: downloading")) downloads++;
        else if (line.trim()) packages++;
        recent.push(line);
      }
      if (recent.length > 200) recent = recent.slice(-60);
      if (Date.now() - lastReport > 20_000) {
        lastReport = Date.now();
        const secs = Math.round((Date.now() - started) / 1000);
        ctx.progress(
          `${ctx.component} ${ctx.version}: ${downloads} modules downloaded, ${packages} packages built, ${secs}s`,
        );
      }
    }
  };
  const [status] = await Promise.all([child.status, drain(child.stdout), drain(child.stderr)]);
  log.close();
  const secs = Math.round((Date.now() - started) / 1000);
  if (!status.success) {
    throw new ControlPlaneBuildError(
      ctx.component,
      ctx.version,
      tail(recent.join("\n")),
      ctx.logPath,
    );
  }
  ctx.progress(`${ctx.component} ${ctx.version}: built in ${secs}s`);
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
