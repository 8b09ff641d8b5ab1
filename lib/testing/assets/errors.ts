// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Errors raised while finding or building the control plane binaries.
 *
 * @module
 */

const HOW_TO_OVERRIDE =
  "Set KUBEBUILDER_ASSETS to a folder holding `kube-apiserver`, `etcd` and (optionally) `kube-controller-manager` (or TEST_ASSET_KUBE_APISERVER / TEST_ASSET_ETCD / TEST_ASSET_KUBE_CONTROLLER_MANAGER to the binaries) to skip the build.";

/**
 * The Go toolchain needed to build kube-apiserver and etcd is not on PATH.
 *
 * @example
 * ```ts
 * import { GoNotFoundError } from "@staircase/staircase/testing";
 * const err = new GoNotFoundError("go");
 * console.log(err.name); // "GoNotFoundError"
 * ```
 */
export class GoNotFoundError extends Error {
  /** The command that was tried. */
  readonly command: string;
  /** Creates the error for the `go` command that was not found. */
  constructor(command: string, options?: ErrorOptions) {
    super(
      `The Go toolchain ("${command}") was not found on PATH; it is needed to build kube-apiserver, etcd and kube-controller-manager. Install Go >= 1.26, or: ${HOW_TO_OVERRIDE}`,
      options,
    );
    this.name = "GoNotFoundError";
    this.command = command;
  }
}

/**
 * Building a control plane binary failed; `outputTail` holds the end of the Go output.
 *
 * @example
 * ```ts
 * import { ControlPlaneBuildError } from "@staircase/staircase/testing";
 * const err = new ControlPlaneBuildError("etcd", "v3.6.16", "go: module not found", "/tmp/log");
 * console.log(err.message.includes("etcd")); // true
 * ```
 */
export class ControlPlaneBuildError extends Error {
  /** Which binary: "kube-apiserver", "etcd" or "kube-controller-manager". */
  readonly component: string;
  /** The version that was being built. */
  readonly version: string;
  /** The last lines of the build output. */
  readonly outputTail: string;
  /** The full build log, when it was kept. */
  readonly logPath: string | undefined;
  /** Creates the error. */
  constructor(
    component: string,
    version: string,
    outputTail: string,
    logPath?: string,
    options?: ErrorOptions,
  ) {
    super(
      `Building ${component} ${version} failed${
        logPath ? ` (full log: ${logPath})` : ""
      }. Last output:\n${outputTail}\n${HOW_TO_OVERRIDE}`,
      options,
    );
    this.name = "ControlPlaneBuildError";
    this.component = component;
    this.version = version;
    this.outputTail = outputTail;
    this.logPath = logPath;
  }
}

/**
 * A binary named by KUBEBUILDER_ASSETS / TEST_ASSET_* (or by options) does not exist or is
 * not an executable file.
 *
 * @example
 * ```ts
 * import { ControlPlaneAssetsError } from "@staircase/staircase/testing";
 * const err = new ControlPlaneAssetsError("etcd", "/nope/etcd", "KUBEBUILDER_ASSETS");
 * console.log(err.name); // "ControlPlaneAssetsError"
 * ```
 */
export class ControlPlaneAssetsError extends Error {
  /** Which binary: "kube-apiserver", "etcd" or "kube-controller-manager". */
  readonly component: string;
  /** The path that was checked. */
  readonly path: string;
  /** Where the path came from (an env var name or "options"). */
  readonly source: string;
  /** Creates the error. */
  constructor(component: string, path: string, source: string, options?: ErrorOptions) {
    super(
      `The ${component} binary "${path}" (from ${source}) does not exist or is not an executable file. ${HOW_TO_OVERRIDE} Unset them to let staircase build the binaries with Go.`,
      options,
    );
    this.name = "ControlPlaneAssetsError";
    this.component = component;
    this.path = path;
    this.source = source;
  }
}
