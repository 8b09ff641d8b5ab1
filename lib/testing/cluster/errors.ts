// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Errors of the persistent local clusters (`deno task cluster`).
 *
 * @module
 */

/**
 * `up --fresh` (or another change that needs a stopped cluster) found the cluster running.
 *
 * @example
 * ```ts
 * import { ClusterRunningError } from "@staircase/staircase/testing";
 * const err = new ClusterRunningError("dev", "https://127.0.0.1:16443");
 * console.log(err.cluster); // "dev"
 * ```
 */
export class ClusterRunningError extends Error {
  /** The cluster's name. */
  readonly cluster: string;
  /** Its API server URL. */
  readonly url: string;
  /** Creates the error. */
  constructor(cluster: string, url: string, options?: ErrorOptions) {
    super(
      `Cluster "${cluster}" is running at ${url}; stop it first with \`deno task cluster down ${cluster}\` (removes its data) or \`deno task cluster stop ${cluster}\` (keeps it).`,
      options,
    );
    this.name = "ClusterRunningError";
    this.cluster = cluster;
    this.url = url;
  }
}

/**
 * No cluster of this name exists (nothing under its folder).
 *
 * @example
 * ```ts
 * import { ClusterNotFoundError } from "@staircase/staircase/testing";
 * const err = new ClusterNotFoundError("dev");
 * console.log(err.message.includes("cluster up dev")); // true
 * ```
 */
export class ClusterNotFoundError extends Error {
  /** The cluster's name. */
  readonly cluster: string;
  /** Creates the error. */
  constructor(cluster: string, options?: ErrorOptions) {
    super(
      `No cluster named "${cluster}"; start one with \`deno task cluster up ${cluster}\`.`,
      options,
    );
    this.name = "ClusterNotFoundError";
    this.cluster = cluster;
  }
}

/**
 * A port the cluster keeps across restarts (so its kubeconfig stays valid) is taken by another
 * process.
 *
 * @example
 * ```ts
 * import { ClusterPortInUseError } from "@staircase/staircase/testing";
 * const err = new ClusterPortInUseError("dev", 16443, "kube-apiserver");
 * console.log(err.port); // 16443
 * ```
 */
export class ClusterPortInUseError extends Error {
  /** The cluster's name. */
  readonly cluster: string;
  /** The port. */
  readonly port: number;
  /** Which component uses it. */
  readonly component: string;
  /** Creates the error. */
  constructor(cluster: string, port: number, component: string, options?: ErrorOptions) {
    super(
      `Port 127.0.0.1:${port} (${component} of cluster "${cluster}") is taken by another process. Stop that process, or start the cluster empty on new ports with \`deno task cluster up ${cluster} --fresh\`.`,
      options,
    );
    this.name = "ClusterPortInUseError";
    this.cluster = cluster;
    this.port = port;
    this.component = component;
  }
}
