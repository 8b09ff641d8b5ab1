// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * One control plane shared by every test of a run, and a fresh namespace per test.
 *
 * `tools/with_control_plane.ts` starts one control plane for the whole run and passes its
 * admin kubeconfig in env `STAIRCASE_TEST_KUBECONFIG`; without that variable the first call
 * starts one for this process. It does not keep the process alive and is stopped when the
 * process exits (exit handlers, plus a watchdog process if Deno is killed outright).
 *
 * kube-controller-manager runs when its binary is at hand (see `startControlPlane`): owner
 * references are followed and deleted namespaces go away. Without it (envtest's asset folders),
 * deleted namespaces stay `Terminating`.
 *
 * @module
 */
import { readKubeconfigTls } from "./kubeconfig.ts";
import { startControlPlane } from "./control_plane.ts";

/** The env var holding the shared admin kubeconfig path. */
export const TEST_KUBECONFIG_ENV = "STAIRCASE_TEST_KUBECONFIG";

/** A response of {@linkcode TestCluster.request}. */
export interface TestResponse<T> {
  /** HTTP status. */
  status: number;
  /** Parsed JSON body (or the raw text when not JSON). */
  body: T;
  /** Response headers (e.g. the API server's `Warning` headers). */
  headers: Headers;
}

/** Options of {@linkcode TestCluster.request}. */
export interface TestRequestOptions {
  /** Content type of the body (default "application/json"). */
  contentType?: string;
  /** Throw {@linkcode TestRequestError} on a non-2xx status (default true). */
  throwOnError?: boolean;
  /** More request headers, e.g. `Impersonate-User` (default none). */
  headers?: HeadersInit;
}

/**
 * A non-2xx answer from {@linkcode TestCluster.request}.
 *
 * @example
 * ```ts
 * import { TestRequestError } from "@staircase/staircase/testing";
 * const err = new TestRequestError("GET", "/api/v1/namespaces/x", 404, "not found");
 * console.log(err.status); // 404
 * ```
 */
export class TestRequestError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Response body text. */
  readonly body: string;
  /** Creates the error. */
  constructor(method: string, path: string, status: number, body: string) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 1000)}`);
    this.name = "TestRequestError";
    this.status = status;
    this.body = body;
  }
}

/** The shared test control plane, seen as the admin user. */
export interface TestCluster {
  /** Path of the admin kubeconfig. */
  kubeconfigPath: string;
  /** API server URL. */
  url: string;
  /**
   * Sends one request as admin with plain `fetch` (independent of staircase's client) and
   * parses the JSON answer.
   */
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options?: TestRequestOptions,
  ): Promise<TestResponse<T>>;
}

let shared: Promise<TestCluster> | undefined;

/**
 * Returns the admin kubeconfig path of the shared control plane (from
 * `STAIRCASE_TEST_KUBECONFIG`, or a control plane started lazily for this process).
 *
 * @example
 * ```ts
 * import { kubeConfigClient, type HttpRestClient } from "@staircase/staircase/client";
 * import { testKubeconfig } from "@staircase/staircase/testing";
 *
 * async function testClient(): Promise<HttpRestClient> {
 *   return await kubeConfigClient({ paths: [await testKubeconfig()] });
 * }
 * ```
 */
export async function testKubeconfig(): Promise<string> {
  return (await useTestControlPlane()).kubeconfigPath;
}

/**
 * Returns the shared test control plane; see the module docs for where it comes from.
 *
 * @example
 * ```ts
 * import { useTestControlPlane } from "@staircase/staircase/testing";
 *
 * async function serverVersion(): Promise<unknown> {
 *   const cluster = await useTestControlPlane();
 *   const { body } = await cluster.request("GET", "/version");
 *   return body;
 * }
 * ```
 */
export function useTestControlPlane(): Promise<TestCluster> {
  shared ??= openShared().catch((err) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

async function openShared(): Promise<TestCluster> {
  const fromEnv = Deno.env.get(TEST_KUBECONFIG_ENV);
  if (fromEnv) return await clusterFromKubeconfig(fromEnv);
  // Lives until the process exits; the exit handlers and the watchdog clean it up.
  const cp = await startControlPlane({ unref: true });
  return await clusterFromKubeconfig(cp.kubeconfig.path);
}

/**
 * Opens a {@linkcode TestCluster} over a kubeconfig with inline client-certificate data.
 *
 * @example
 * ```ts
 * import { clusterFromKubeconfig } from "@staircase/staircase/testing";
 *
 * // Tests against a cluster started by hand (`deno task cluster up`) instead of their own.
 * async function namespaces(kubeconfigPath: string): Promise<unknown> {
 *   const cluster = await clusterFromKubeconfig(kubeconfigPath);
 *   return (await cluster.request("GET", "/api/v1/namespaces")).body;
 * }
 * ```
 */
export async function clusterFromKubeconfig(path: string): Promise<TestCluster> {
  const tls = await readKubeconfigTls(path);
  return {
    kubeconfigPath: path,
    url: tls.server,
    async request<T>(
      method: string,
      reqPath: string,
      body?: unknown,
      options: TestRequestOptions = {},
    ): Promise<TestResponse<T>> {
      // One client per request: a cached client would count as a leaked resource in tests.
      const client = Deno.createHttpClient({
        caCerts: [tls.caPem],
        cert: tls.certPem,
        key: tls.keyPem,
      });
      try {
        const headers = new Headers(options.headers);
        headers.set("accept", "application/json");
        if (body !== undefined) {
          headers.set("content-type", options.contentType ?? "application/json");
        }
        const res = await fetch(new URL(reqPath, tls.server), {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          client,
        });
        const text = await res.text();
        if (!res.ok && options.throwOnError !== false) {
          throw new TestRequestError(method, reqPath, res.status, text);
        }
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON; keep the text.
        }
        return { status: res.status, body: parsed as T, headers: res.headers };
      } finally {
        client.close();
      }
    },
  };
}

/** Options of {@linkcode withNamespace}. */
export interface NamespaceOptions {
  /** Name prefix (default "test"); a random suffix is appended. */
  prefix?: string;
  /** Keep the namespace afterwards (default false: it is deleted). */
  keep?: boolean;
  /** Cluster to use (default {@linkcode useTestControlPlane}). */
  cluster?: TestCluster;
}

/**
 * Creates a fresh namespace on the shared control plane, runs `fn` with its name, then deletes
 * it (without waiting for the deletion to finish; names never repeat).
 *
 * @example
 * ```ts
 * import { withNamespace } from "@staircase/staircase/testing";
 *
 * // A test body; register it with `Deno.test("creates a ConfigMap", createsConfigMap)`.
 * async function createsConfigMap(): Promise<void> {
 *   await withNamespace(async (ns, cluster) => {
 *     await cluster.request("POST", `/api/v1/namespaces/${ns}/configmaps`, {
 *       metadata: { name: "a" },
 *     });
 *   });
 * }
 * ```
 */
export async function withNamespace<T>(
  fn: (namespace: string, cluster: TestCluster) => Promise<T>,
  options: NamespaceOptions = {},
): Promise<T> {
  const cluster = options.cluster ?? await useTestControlPlane();
  const name = await createTestNamespace(options.prefix, cluster);
  try {
    return await fn(name, cluster);
  } finally {
    if (!options.keep) {
      await cluster.request("DELETE", `/api/v1/namespaces/${name}`, undefined, {
        throwOnError: false,
      });
    }
  }
}

/**
 * Creates a namespace named `<prefix>-<random>` and returns its name.
 *
 * @example
 * ```ts
 * import { createTestNamespace, useTestControlPlane } from "@staircase/staircase/testing";
 *
 * // A namespace that outlives one test, e.g. shared by the steps of a longer scenario.
 * async function scenarioNamespace(): Promise<string> {
 *   const ns = await createTestNamespace("watch");
 *   const cluster = await useTestControlPlane();
 *   await cluster.request("POST", `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "seed" } });
 *   return ns;
 * }
 * ```
 */
export async function createTestNamespace(prefix = "test", cluster?: TestCluster): Promise<string> {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(prefix) || prefix.length > 50) {
    throw new TypeError(
      `Namespace prefix "${prefix}" must be a DNS label of at most 50 characters`,
    );
  }
  const target = cluster ?? await useTestControlPlane();
  const name = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  await target.request("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "staircase.dev/test": "true" } },
  });
  return name;
}
