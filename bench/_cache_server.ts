/**
 * A loopback stand-in API server for the cache benchmarks, run as its own process so serving
 * costs the measured process nothing. It serves one collection of ConfigMaps (ten
 * 100-character values each, a managedFields entry as the API server writes for a create):
 *
 * - `memory` mode: LIST returns all objects; a watch-list streams them as ADDED events and the
 *   initial-events-end bookmark, then stays open; a plain watch stays open and silent.
 * - `events` mode: LIST returns no object; every watch streams the initial-events-end
 *   bookmark then `events` changes (ADDED for the first `objects`, then MODIFIED in turn) and
 *   ends.
 *
 * `Accept: ...;as=PartialObjectMetadata(List)` gets metadata-only objects, as from the real
 * server. Run: `deno run -A bench/_cache_server.ts <memory|events> <objects> [events]`; it
 * prints `{"port": ...}` and serves until killed.
 *
 * @module
 */

import { spawnFirstLine } from "../lib/testing/_first_line.ts";

export const NAMESPACE = "bench";
export const PATH = `/api/v1/namespaces/${NAMESPACE}/configmaps`;

function randomText(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += String.fromCharCode(97 + (b % 26));
  return out;
}

/** One ConfigMap as the API server returns it. */
export function configMap(i: number, resourceVersion: number): Record<string, unknown> {
  const data: Record<string, string> = {};
  const fields: Record<string, unknown> = { ".": {} };
  for (let k = 0; k < 10; k++) {
    data[`key-${k}`] = randomText(100);
    fields[`f:key-${k}`] = {};
  }
  return {
    kind: "ConfigMap",
    apiVersion: "v1",
    metadata: {
      name: `config-${i}`,
      namespace: NAMESPACE,
      uid: crypto.randomUUID(),
      resourceVersion: String(resourceVersion),
      creationTimestamp: "2026-01-01T00:00:00Z",
      labels: { app: "bench", shard: String(i % 16) },
      managedFields: [{
        manager: "bench",
        operation: "Update",
        apiVersion: "v1",
        time: "2026-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:data": fields,
          "f:metadata": { "f:labels": { ".": {}, "f:app": {}, "f:shard": {} } },
        },
      }],
    },
    data,
  };
}

function metadataOnly(object: Record<string, unknown>): Record<string, unknown> {
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
}

function endBookmark(resourceVersion: number, kind: string, apiVersion: string): string {
  return JSON.stringify({
    type: "BOOKMARK",
    object: {
      kind,
      apiVersion,
      metadata: {
        resourceVersion: String(resourceVersion),
        annotations: { "k8s.io/initial-events-end": "true" },
      },
    },
  }) + "\n";
}

function serve(mode: string, objects: number, events: number): void {
  const encoder = new TextEncoder();
  const full: Record<string, unknown>[] = [];
  const bodies = new Map<string, Uint8Array<ArrayBuffer>>();
  const body = (key: string, make: () => string): Uint8Array<ArrayBuffer> => {
    let bytes = bodies.get(key);
    if (!bytes) bodies.set(key, bytes = encoder.encode(make()));
    return bytes;
  };
  const count = mode === "memory" ? objects : events;
  for (let i = 0; i < count; i++) {
    full.push(configMap(i % objects, 1000 + i));
  }
  const last = 1000 + count;
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen({ port }) {
      console.log(JSON.stringify({ port }));
    },
  }, (request) => {
    const url = new URL(request.url);
    const meta = (request.headers.get("accept") ?? "").includes("as=PartialObjectMetadata");
    const shape = (o: Record<string, unknown>) => (meta ? metadataOnly(o) : o);
    const kind = meta ? "PartialObjectMetadata" : "ConfigMap";
    const apiVersion = meta ? "meta.k8s.io/v1" : "v1";
    const headers = { "content-type": "application/json" };
    if (url.searchParams.get("watch") !== "true") {
      const items = mode === "memory" ? full : [];
      const bytes = body(`list ${meta}`, () =>
        JSON.stringify({
          kind: meta ? "PartialObjectMetadataList" : "ConfigMapList",
          apiVersion,
          metadata: { resourceVersion: String(mode === "memory" ? last : 1000) },
          items: items.map(shape),
        }));
      return new Response(bytes, { headers });
    }
    const initial = url.searchParams.get("sendInitialEvents") === "true";
    if (mode === "events") {
      const bytes = body(`events ${meta}`, () =>
        endBookmark(1000, kind, apiVersion) +
        full.map((o, i) =>
          JSON.stringify({ type: i < objects ? "ADDED" : "MODIFIED", object: shape(o) }) + "\n"
        ).join(""));
      return new Response(bytes, { headers });
    }
    // memory mode: the state (for a watch-list), then an open, silent stream.
    const first = initial
      ? body(
        `watchlist ${meta}`,
        () =>
          full.map((o) => JSON.stringify({ type: "ADDED", object: shape(o) }) + "\n").join("") +
          endBookmark(last, kind, apiVersion),
      )
      : new Uint8Array();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (first.length) controller.enqueue(first);
      },
    });
    return new Response(stream, { headers });
  });
}

/** Starts the server process; resolves to its URL and a function that stops it. */
export async function startServer(
  mode: "memory" | "events",
  objects: number,
  events = 0,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = await spawnFirstLine(Deno.execPath(), [
    "run",
    "-A",
    new URL(import.meta.url).pathname,
    mode,
    String(objects),
    String(events),
  ]);
  const { port } = JSON.parse(server.firstLine) as { port: number };
  return { url: `http://127.0.0.1:${port}`, stop: server.stop };
}

if (import.meta.main) {
  serve(Deno.args[0], Number(Deno.args[1]), Number(Deno.args[2] ?? 0));
}
