/**
 * Type-level check that staircase's contract and `@cloudydeno/kubernetes-client`'s are
 * structurally interchangeable. The `Theirs*` types are a hand-written copy of that package's
 * public `RestClient`/`RequestOptions` shape (JSR is unreachable here, so it cannot be
 * imported). `deno check`/`deno test` fail to compile if an assignment stops holding.
 */

import assert from "node:assert/strict";
import type { JSONValue, RequestOptions, RestClient } from "../../lib/client/contract.ts";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { fails } from "./test_server.ts";

type TheirsHttpMethods = "GET" | "POST" | "DELETE" | "PUT" | "PATCH" | "OPTIONS" | "HEAD";
type TheirsJSONPrimitive = string | number | boolean | null | undefined;
type TheirsJSONValue = TheirsJSONPrimitive | TheirsJSONObject | TheirsJSONArray;
interface TheirsJSONObject {
  [key: string]: TheirsJSONValue;
}
type TheirsJSONArray = Array<TheirsJSONValue>;

interface TheirsRequestOptions {
  method: TheirsHttpMethods;
  path: string;
  querystring?: URLSearchParams;
  abortSignal?: AbortSignal;
  contentType?: string;
  bodyRaw?: Uint8Array;
  bodyJson?: TheirsJSONValue;
  bodyStream?: ReadableStream<Uint8Array>;
  accept?: string;
  expectTunnel?: string[];
  expectStream?: boolean;
  expectJson?: boolean;
}

interface TheirsKubernetesTunnel {
  readonly transportProtocol: string;
  readonly subProtocol: string;
  getChannel(opts: { streamIndex: number; readable: boolean; writable: boolean }): Promise<{
    writable: WritableStream<Uint8Array>;
    readable: ReadableStream<Uint8Array>;
  }>;
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/** Their RestClient without the tunnel overload (staircase does not open tunnels). */
interface TheirsRestClientNoTunnel {
  performRequest(
    opts: TheirsRequestOptions & { expectStream: true; expectJson: true },
  ): Promise<ReadableStream<TheirsJSONValue>>;
  performRequest(
    opts: TheirsRequestOptions & { expectStream: true },
  ): Promise<ReadableStream<Uint8Array>>;
  performRequest(opts: TheirsRequestOptions & { expectJson: true }): Promise<TheirsJSONValue>;
  performRequest(opts: TheirsRequestOptions): Promise<Uint8Array>;
  defaultNamespace?: string;
}

/** Their full RestClient: the tunnel overload first, then the others (an intersection keeps both). */
type TheirsRestClient =
  & {
    performRequest(
      opts: TheirsRequestOptions & { expectTunnel: string[] },
    ): Promise<TheirsKubernetesTunnel>;
  }
  & TheirsRestClientNoTunnel;

/** Compiles only when `A` is assignable to `B`. */
type Assignable<A, B> = [A] extends [B] ? true : false;
const yes = <T extends true>(): T => true as T;
const no = <T extends false>(): T => false as T;

Deno.test("contract: their RestClient satisfies ours; ours satisfies theirs minus tunnels", () => {
  // Their client object can be handed to every staircase API.
  yes<Assignable<TheirsRestClient, RestClient>>();
  yes<Assignable<TheirsRestClientNoTunnel, RestClient>>();
  // Staircase's clients can be handed to code written against their package (no tunnels).
  yes<Assignable<RestClient, TheirsRestClientNoTunnel>>();
  yes<Assignable<HttpRestClient, TheirsRestClientNoTunnel>>();
  // Options and JSON values are the same shapes, both ways.
  yes<Assignable<TheirsRequestOptions, RequestOptions>>();
  yes<Assignable<RequestOptions, TheirsRequestOptions>>();
  yes<Assignable<TheirsJSONValue, JSONValue>>();
  yes<Assignable<JSONValue, TheirsJSONValue>>();
  // Tunnels are the one difference: ours answers them with bytes, not a tunnel.
  no<Assignable<RestClient, TheirsRestClient>>();
});

Deno.test("contract: a request built for their package is accepted as is; tunnels are refused", async () => {
  const theirs: TheirsRequestOptions = {
    method: "GET",
    path: "/api/v1/namespaces/default/pods/p/exec",
    expectTunnel: ["v4.channel.k8s.io"],
  };
  using client = new HttpRestClient({ server: "http://127.0.0.1:9" });
  await assert.rejects(client.performRequest(theirs), fails(TypeError, /does not open tunnels/));
});
