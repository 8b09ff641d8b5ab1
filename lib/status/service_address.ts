/**
 * The in-cluster address of a Service: {@linkcode serviceHost} and {@linkcode serviceUrl}
 * (the seed's `service_host` / `service_url`).
 *
 * @module
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A Service as {@linkcode serviceHost} needs it: a name and namespace.
 *
 * @example
 * ```ts
 * import { serviceHost, type ServiceLike } from "@staircase/staircase/status";
 *
 * const service: ServiceLike = { metadata: { name: "web", namespace: "prod" } };
 * console.log(serviceHost(service)); // web.prod.svc
 * ```
 */
export interface ServiceLike {
  /** The Service's metadata. */
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * Options of {@linkcode serviceHost} and {@linkcode serviceUrl}.
 *
 * @example
 * ```ts
 * import { serviceUrl } from "@staircase/staircase/status";
 *
 * const service = { metadata: { name: "api", namespace: "prod" } };
 * console.log(serviceUrl(service, { scheme: "https", port: 8443, clusterDomain: "cluster.local", path: "/healthz" }));
 * // https://api.prod.svc.cluster.local:8443/healthz
 * ```
 */
export interface ServiceAddressOptions {
  /**
   * The cluster's DNS domain, appended when set (`<name>.<namespace>.svc.<domain>`). Without
   * it the name relies on the Pod's DNS search path, which every standard cluster sets up.
   */
  readonly clusterDomain?: string;
  /** The URL scheme. @default {"http"} */
  readonly scheme?: string;
  /** The port; omitted from the URL when absent. */
  readonly port?: number;
  /** A path appended to the URL, e.g. `/healthz`. @default {""} */
  readonly path?: string;
}

/**
 * The in-cluster host name of a Service: `<name>.<namespace>.svc` (the seed's
 * `service_host`).
 *
 * @param service The Service (or any object naming one).
 * @param options The cluster domain, if the full name is wanted.
 * @returns The host name.
 * @throws {TypeError} If the Service has no name or namespace.
 *
 * @example
 * ```ts
 * import { serviceHost } from "@staircase/staircase/status";
 *
 * console.log(serviceHost({ metadata: { name: "web", namespace: "prod" } })); // web.prod.svc
 * ```
 */
export function serviceHost(service: ServiceLike, options: ServiceAddressOptions = {}): string {
  const name = service?.metadata?.name;
  const namespace = service?.metadata?.namespace;
  if (typeof name !== "string" || !DNS_LABEL.test(name)) {
    throw new TypeError(
      `serviceHost(): the Service name ${JSON.stringify(name)} is not a DNS label`,
    );
  }
  if (typeof namespace !== "string" || !DNS_LABEL.test(namespace)) {
    throw new TypeError(
      `serviceHost(): the Service namespace ${JSON.stringify(namespace)} is not a DNS label`,
    );
  }
  const host = `${name}.${namespace}.svc`;
  return options.clusterDomain ? `${host}.${options.clusterDomain}` : host;
}

/**
 * The in-cluster URL of a Service: `<scheme>://<name>.<namespace>.svc[:<port>][path]` (the
 * seed's `service_url`).
 *
 * @param service The Service.
 * @param options Scheme, port, path and cluster domain.
 * @returns The URL.
 * @throws {TypeError} If the Service has no name or namespace.
 * @throws {RangeError} If `port` is not an integer from 1 to 65535.
 *
 * @example
 * ```ts
 * import { serviceUrl } from "@staircase/staircase/status";
 *
 * console.log(serviceUrl({ metadata: { name: "web", namespace: "prod" } }, { port: 8080, path: "/api" }));
 * // http://web.prod.svc:8080/api
 * ```
 */
export function serviceUrl(service: ServiceLike, options: ServiceAddressOptions = {}): string {
  const host = serviceHost(service, options);
  const port = options.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new RangeError(`serviceUrl(): port ${port} must be an integer from 1 to 65535`);
  }
  const path = options.path ?? "";
  const slash = path === "" || path.startsWith("/") ? "" : "/";
  return `${options.scheme ?? "http"}://${host}${
    port === undefined ? "" : `:${port}`
  }${slash}${path}`;
}
