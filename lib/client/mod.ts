/**
 * staircase's Kubernetes client: the {@linkcode RestClient} contract, an HTTP transport with
 * kubeconfig and in-cluster credentials, typed errors, and the generic
 * {@linkcode ResourceClient} that generated API classes wrap.
 *
 * The request contract is structurally compatible with `@cloudydeno/kubernetes-client`: a
 * client object from that package can be passed wherever a {@linkcode RestClient} is expected.
 *
 * @example
 * ```ts
 * import { autoDetectClient, isNotFound, ResourceClient } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Reads the "settings" ConfigMap of the current namespace, if there is one.
 * async function readSettings(): Promise<Record<string, string> | undefined> {
 *   const client = await autoDetectClient();
 *   const configMaps = new ResourceClient(client, ConfigMaps)
 *     .namespace(client.defaultNamespace ?? "default");
 *   try {
 *     return (await configMaps.get("settings")).data;
 *   } catch (err) {
 *     if (isNotFound(err)) return undefined;
 *     throw err;
 *   }
 * }
 * ```
 *
 * @module
 */

export * from "./contract.ts";
export * from "./decorate.ts";
export * from "./status.ts";
export * from "./scale.ts";
export * from "./deep_partial.ts";
export * from "./patch_body.ts";
export * from "./api_error.ts";
export * from "./errors.ts";
export * from "./resource_options.ts";
export * from "./resource_client.ts";
export * from "./resource_type.ts";
export * from "./resource_version.ts";
export * from "./watch.ts";
export * from "./json_lines.ts";
export * from "./credentials.ts";
export * from "./token_file.ts";
export * from "./exec_plugin.ts";
export * from "./connection.ts";
export * from "./kubeconfig.ts";
export * from "./kubeconfig_types.ts";
export * from "./kubeconfig_connection.ts";
export * from "./in_cluster.ts";
export * from "./http_client.ts";
export * from "./auto_detect.ts";
export * from "./retry.ts";
export * from "./rate_limiter.ts";
export { redactSecrets, redactValues } from "./redact.ts";
export { explainPermissionError, isPermissionError, type PermissionKind } from "./permissions.ts";
