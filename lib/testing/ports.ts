// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Loopback port helpers.
 *
 * @module
 */
import { PortInUseError } from "./errors.ts";

/**
 * Returns a TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).
 *
 * @example
 * ```ts
 * import { freePort } from "./ports.ts";
 * const port = freePort();
 * ```
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * Throws {@linkcode PortInUseError} when `port` on 127.0.0.1 cannot be bound.
 *
 * @example
 * ```ts
 * import { assertPortFree, freePort } from "./ports.ts";
 * assertPortFree(freePort(), "etcd");
 * ```
 */
export function assertPortFree(port: number, component: string): void {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new PortInUseError(port, component, { cause: err });
    }
    throw err;
  }
}
