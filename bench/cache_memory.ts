/**
 * Memory per cached object: 10,000 ConfigMaps with ten 100-character values each (served by a
 * loopback stand-in, `bench/_cache_server.ts`), V8 heap after GC, each variant in its own
 * process:
 *
 * - plain `Map` of the LIST's objects `JSON.parse`d as they come (the limit), and with
 *   `managedFields` deleted (the target: staircase at most 1.0× of it);
 * - staircase's informer (frozen objects, managedFields dropped), with `keepManagedFields`,
 *   and metadata-only;
 * - `@kubernetes/client-node`'s informer (its typed list call, as an application uses it).
 *
 * Run: `deno run -A bench/cache_memory.ts [objects]`
 *
 * @module
 */

import * as k8s from "@kubernetes/client-node";
import { HttpRestClient } from "../lib/client/http_client.ts";
import { ConfigMaps } from "../lib/apis/core/v1/mod.ts";
import { ResourceInformer } from "../lib/controller/informer.ts";
import { NAMESPACE, PATH, startServer } from "./_cache_server.ts";

const OBJECTS = Number(Deno.args[0] ?? 10_000);

declare const gc: () => void;

function heap(): number {
  for (let i = 0; i < 3; i++) gc();
  return Deno.memoryUsage().heapUsed;
}

type Keep = { value: unknown; stop?: () => Promise<void> };

const variants: Record<string, (url: string) => Promise<Keep>> = {
  async "plain Map, JSON.parse"(url) {
    const list = await (await fetch(`${url}${PATH}`)).json();
    const map = new Map<string, unknown>();
    for (const item of list.items) {
      map.set(`${item.metadata.namespace}/${item.metadata.name}`, item);
    }
    return { value: map };
  },
  async "plain Map, managedFields deleted"(url) {
    const list = await (await fetch(`${url}${PATH}`)).json();
    const map = new Map<string, unknown>();
    for (const item of list.items) {
      delete item.metadata.managedFields;
      map.set(`${item.metadata.namespace}/${item.metadata.name}`, item);
    }
    return { value: map };
  },
  async "staircase informer"(url) {
    return await informer(url, {});
  },
  async "staircase informer, keepManagedFields"(url) {
    return await informer(url, { keepManagedFields: true });
  },
  async "staircase informer, metadata-only"(url) {
    return await informer(url, { metadataOnly: true });
  },
  async "client-node informer"(url) {
    const kc = new k8s.KubeConfig();
    kc.loadFromClusterAndUser({ name: "bench", server: url, skipTLSVerify: true }, { name: "u" });
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(
      kc,
      PATH,
      () => api.listNamespacedConfigMap({ namespace: NAMESPACE }),
    );
    informer.on("error", () => {});
    await informer.start();
    if (informer.list().length !== OBJECTS) throw new Error("client-node: not all objects");
    return { value: informer, stop: () => informer.stop() };
  },
};

async function informer(
  url: string,
  options: { keepManagedFields?: boolean; metadataOnly?: boolean },
): Promise<Keep> {
  const client = new HttpRestClient({ server: url });
  const informer = new ResourceInformer(client, ConfigMaps, { namespace: NAMESPACE, ...options });
  const stop = new AbortController();
  const run = informer.run(stop.signal);
  await informer.waitForSync();
  if (informer.size !== OBJECTS) throw new Error("staircase: not all objects");
  return {
    value: informer,
    stop: async () => {
      stop.abort();
      await run;
      client[Symbol.dispose]();
    },
  };
}

async function measure(name: string, url: string): Promise<number> {
  // Warm up the code paths (module state, HTTP client) with a small run, then measure.
  const before = heap();
  const kept = await variants[name](url);
  const after = heap();
  const perObject = (after - before) / OBJECTS;
  await kept.stop?.();
  return perObject;
}

if (Deno.args[1] === "measure") {
  const perObject = await measure(Deno.args[2], Deno.args[3]);
  console.log(JSON.stringify({ perObject }));
  Deno.exit(0);
}

const server = await startServer("memory", OBJECTS);
try {
  console.log(
    `cache memory: ${OBJECTS} ConfigMaps (ten 100-character values each), V8 heap after GC ` +
      "per object, each variant in a fresh process",
  );
  const results: Record<string, number> = {};
  for (const name of Object.keys(variants)) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--expose-gc",
        new URL(import.meta.url).pathname,
        String(OBJECTS),
        "measure",
        name,
        server.url,
      ],
      stderr: "inherit",
    }).output();
    if (!output.success) throw new Error(`${name}: the measuring process failed`);
    results[name] = JSON.parse(new TextDecoder().decode(output.stdout)).perObject;
  }
  const target = results["plain Map, managedFields deleted"];
  for (const [name, bytes] of Object.entries(results)) {
    console.log(
      `${name.padEnd(40)} ${(bytes / 1024).toFixed(2).padStart(6)} KiB/object  ` +
        `${(bytes / target).toFixed(2)}x the stripped plain Map`,
    );
  }
  const ours = results["staircase informer"];
  console.log(
    `staircase / stripped plain Map = ${(ours / target).toFixed(2)} (target <= 1.0); ` +
      `client-node / staircase = ${(results["client-node informer"] / ours).toFixed(2)}`,
  );
} finally {
  await server.stop();
}
