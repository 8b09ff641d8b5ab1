/**
 * A local HTTP(S) server for the client's unit tests.
 *
 * @module
 */

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** Reads a PEM fixture. */
export function fixture(name: string): string {
  return Deno.readTextFileSync(new URL(name, FIXTURES));
}

/** Absolute path of a fixture file. */
export function fixturePath(name: string): string {
  return new URL(name, FIXTURES).pathname;
}

/** What the server saw of one request. */
export interface RecordedRequest {
  /** The method. */
  method: string;
  /** The full URL. */
  url: string;
  /** A copy of the headers. */
  headers: Headers;
}

/** A running test server. */
export interface TestServer extends AsyncDisposable {
  /** The base URL. */
  url: string;
  /** Requests received so far (headers copied: a served Request cannot be read later). */
  requests: RecordedRequest[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts a server on a free loopback port; `tls` serves the fixture certificate. */
export function startServer(
  handler: (req: Request, index: number) => Response | Promise<Response>,
  options: { tls?: boolean } = {},
): TestServer {
  const requests: RecordedRequest[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    ...(options.tls ? { cert: fixture("server.crt"), key: fixture("server.key") } : {}),
  }, (req) => {
    requests.push({ method: req.method, url: req.url, headers: new Headers(req.headers) });
    return handler(req, requests.length - 1);
  });
  const url = `${options.tls ? "https" : "http"}://127.0.0.1:${server.addr.port}`;
  const close = async (): Promise<void> => {
    await server.shutdown();
  };
  return { url, requests, close, [Symbol.asyncDispose]: close };
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A meta/v1 Status failure response. */
export function statusResponse(code: number, reason: string, message = reason): Response {
  return json({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message }, code);
}

/**
 * A validator for `assert.rejects`/`assert.throws`: the error is an instance of `type` and,
 * when given, its message matches `message`.
 */
export function fails(
  type: abstract new (...args: never[]) => Error,
  message?: RegExp,
): (err: unknown) => true {
  return (err: unknown): true => {
    if (!(err instanceof type)) {
      throw new Error(`expected a ${type.name}, got ${Deno.inspect(err)}`);
    }
    if (message && !message.test(err.message)) {
      throw new Error(
        `${type.name} message ${JSON.stringify(err.message)} does not match ${message}`,
      );
    }
    return true;
  };
}

/** A raw TCP server on a free loopback port (for answers no HTTP server would give). */
export interface TcpServer {
  /** The port. */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Connections accepted so far. */
  connections: () => number;
  /** Stops accepting, closes every connection and waits for the handlers. */
  close: () => Promise<void>;
}

/** Starts a TCP server that runs `onConnection` for each accepted connection. */
export function tcpServer(
  onConnection: (conn: Deno.TcpConn, index: number) => Promise<void>,
): TcpServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open: Deno.TcpConn[] = [];
  const handlers: Promise<void>[] = [];
  let count = 0;
  const accepting = (async () => {
    for await (const conn of listener) {
      open.push(conn);
      handlers.push(onConnection(conn, count++).catch(() => {}));
    }
  })().catch(() => {});
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: async () => {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await accepting;
      await Promise.all(handlers);
    },
  };
}
