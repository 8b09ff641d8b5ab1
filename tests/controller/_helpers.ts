/**
 * Helpers of the cache tests: a RestClient that records (and can refuse or corrupt) requests,
 * a loopback TCP relay that can cut connections, and polling.
 *
 * @module
 */

import {
  connectionFromKubeConfig,
  HttpRestClient,
  KubernetesApiError,
  loadKubeConfig,
  type RequestOptions,
  type RestClient,
} from "../../lib/client/mod.ts";

export { type ConfigMap, ConfigMaps } from "../../lib/apis/core/v1/mod.ts";

/** One request as the recording client saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  accept?: string;
}

/** A RestClient that records every request and can refuse watch-lists or corrupt a stream. */
export class RecordingClient implements RestClient {
  readonly requests: RecordedRequest[] = [];
  /** Answer `sendInitialEvents=true` with 422, as a server with WatchList off does. */
  refuseWatchList = false;
  /** Put a non-JSON line into the next watch stream after its initial-events-end bookmark. */
  corruptNextWatch = false;
  readonly #inner: RestClient;

  constructor(inner: RestClient) {
    this.#inner = inner;
  }

  /** Watch requests (`watch=true`). */
  get watches(): RecordedRequest[] {
    return this.requests.filter((r) => r.query.get("watch") === "true");
  }

  /** LIST requests (GET of a collection without `watch`). */
  get lists(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === "GET" && r.query.get("watch") !== "true");
  }

  performRequest(options: RequestOptions): Promise<never> {
    return this.#perform(options) as Promise<never>;
  }

  async #perform(options: RequestOptions): Promise<unknown> {
    const query = new URLSearchParams(options.querystring);
    this.requests.push({
      method: options.method,
      path: options.path,
      query,
      accept: options.accept,
    });
    if (this.refuseWatchList && query.get("sendInitialEvents") === "true") {
      throw new KubernetesApiError({
        kind: "Status",
        code: 422,
        reason: "Invalid",
        message:
          "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled",
      }, { method: "GET", path: options.path });
    }
    const result: unknown = await this.#inner.performRequest(options);
    if (this.corruptNextWatch && query.get("watch") === "true" && options.expectStream) {
      this.corruptNextWatch = false;
      return corruptAfterSync(result as ReadableStream<Uint8Array>);
    }
    return result;
  }
}

/** Passes a watch stream through and adds a non-JSON line after the initial-events end. */
function corruptAfterSync(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let seen = "";
  let done = false;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (done) return;
        seen = (seen + new TextDecoder().decode(chunk)).slice(-4096);
        const end = seen.indexOf("k8s.io/initial-events-end");
        if (end !== -1 && seen.indexOf("\n", end) !== -1) {
          done = true;
          controller.enqueue(new TextEncoder().encode("this is not JSON\n"));
        }
      },
    }),
  );
}

/** A client for the cluster of `kubeconfigPath`, optionally through another server URL. */
export async function clientFor(kubeconfigPath: string, server?: string): Promise<HttpRestClient> {
  const config = await loadKubeConfig({ paths: [kubeconfigPath] });
  const connection = await connectionFromKubeConfig(config);
  return new HttpRestClient({ ...connection, server: server ?? connection.server });
}

/**
 * A loopback TCP relay to `target` (host:port): `cut()` closes every open connection,
 * `block()` refuses new ones until `unblock()`.
 */
export class TcpRelay implements AsyncDisposable {
  readonly #listener: Deno.TcpListener;
  readonly #target: { hostname: string; port: number };
  readonly #open = new Set<Deno.TcpConn>();
  readonly #accepting: Promise<void>;
  readonly #pipes = new Set<Promise<void>>();
  #blocked = false;
  /** Connections accepted so far. */
  accepted = 0;

  constructor(target: string) {
    const url = new URL(target);
    this.#target = { hostname: url.hostname, port: Number(url.port) };
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accepting = this.#accept();
  }

  /** `https://127.0.0.1:<relay port>`. */
  get url(): string {
    return `https://127.0.0.1:${this.#listener.addr.port}`;
  }

  async #accept(): Promise<void> {
    for await (const conn of this.#listener) {
      if (this.#blocked) {
        conn.close();
        continue;
      }
      this.accepted++;
      const pipe = this.#relay(conn);
      this.#pipes.add(pipe);
      pipe.finally(() => this.#pipes.delete(pipe));
    }
  }

  async #relay(client: Deno.TcpConn): Promise<void> {
    let upstream: Deno.TcpConn;
    try {
      upstream = await Deno.connect(this.#target);
    } catch {
      client.close();
      return;
    }
    this.#open.add(client);
    this.#open.add(upstream);
    const copy = async (from: Deno.TcpConn, to: Deno.TcpConn): Promise<void> => {
      try {
        await from.readable.pipeTo(to.writable, { preventClose: true });
      } catch {
        // cut
      }
      for (const c of [from, to]) {
        if (this.#open.delete(c)) {
          try {
            c.close();
          } catch { /* already closed */ }
        }
      }
    };
    await Promise.all([copy(client, upstream), copy(upstream, client)]);
  }

  /** Closes every open connection (both sides). */
  cut(): void {
    for (const conn of this.#open) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
    this.#open.clear();
  }

  /** Refuses new connections (and cuts the open ones). */
  block(): void {
    this.#blocked = true;
    this.cut();
  }

  /** Accepts connections again. */
  unblock(): void {
    this.#blocked = false;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#listener.close();
    this.cut();
    await this.#accepting.catch(() => {});
    await Promise.allSettled([...this.#pipes]);
  }
}

/** Polls `check` until it returns true, or fails with `message` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
