// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Errors raised while starting a local control plane.
 *
 * @module
 */

/**
 * A control plane process exited early or `/readyz` did not pass in time. The message holds
 * the tail of both processes' logs.
 *
 * @example
 * ```ts
 * import { ControlPlaneStartError } from "@staircase/staircase/testing";
 * const err = new ControlPlaneStartError("kube-apiserver exited with code 1", "", "");
 * console.log(err.name); // "ControlPlaneStartError"
 * ```
 */
export class ControlPlaneStartError extends Error {
  /** Last lines of the etcd log. */
  readonly etcdLog: string;
  /** Last lines of the kube-apiserver log. */
  readonly apiServerLog: string;
  /** Last lines of the kube-controller-manager log, when it was the one that failed. */
  readonly controllerManagerLog: string | undefined;
  /** Creates the error; `reason` says what went wrong. */
  constructor(
    reason: string,
    etcdLog: string,
    apiServerLog: string,
    options?: ErrorOptions & { controllerManagerLog?: string },
  ) {
    const cmLog = options?.controllerManagerLog;
    super(
      `The test control plane failed to start: ${reason}\n--- etcd log (tail) ---\n${
        etcdLog || "(empty)"
      }\n--- kube-apiserver log (tail) ---\n${apiServerLog || "(empty)"}${
        cmLog === undefined
          ? ""
          : `\n--- kube-controller-manager log (tail) ---\n${cmLog || "(empty)"}`
      }`,
      options,
    );
    this.name = "ControlPlaneStartError";
    this.etcdLog = etcdLog;
    this.apiServerLog = apiServerLog;
    this.controllerManagerLog = cmLog;
  }
}

/**
 * A port asked for (or picked) is already in use by another process.
 *
 * @example
 * ```ts
 * import { PortInUseError } from "@staircase/staircase/testing";
 * const err = new PortInUseError(6443, "kube-apiserver");
 * console.log(err.port); // 6443
 * ```
 */
export class PortInUseError extends Error {
  /** The port. */
  readonly port: number;
  /** Which component wanted it. */
  readonly component: string;
  /** Creates the error. */
  constructor(port: number, component: string, options?: ErrorOptions) {
    super(
      `Port 127.0.0.1:${port} for ${component} is already in use; stop whatever listens there or leave the port option unset to pick a free port.`,
      options,
    );
    this.name = "PortInUseError";
    this.port = port;
    this.component = component;
  }
}

/**
 * The control plane's temp folder could not be created (the parent is missing, not a folder,
 * or not writable).
 *
 * @example
 * ```ts
 * import { ControlPlaneTempDirError } from "@staircase/staircase/testing";
 * const err = new ControlPlaneTempDirError("/read-only");
 * console.log(err.parent); // "/read-only"
 * ```
 */
export class ControlPlaneTempDirError extends Error {
  /** The folder in which the temp folder was to be created. */
  readonly parent: string;
  /** Creates the error; the cause says what the OS answered. */
  constructor(parent: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? ` (${options.cause.message})` : "";
    super(
      `Cannot create the control plane's temp folder in ${parent}${reason}; pass a writable folder as the tempDir option or set TMPDIR.`,
      options,
    );
    this.name = "ControlPlaneTempDirError";
    this.parent = parent;
  }
}
