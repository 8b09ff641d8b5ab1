/**
 * Run with `--v8-flags=--expose-gc` (tests/client/stream_gc_test.ts does): checks that a
 * streamed response and a watch still stop — on the caller's signal and on the idle watchdog —
 * after garbage collections between reads, on silent and on flowing streams. Prints one JSON
 * line per scenario: `{ name, ok, detail }`.
 *
 * @module
 */

import { HttpRestClient } from "../../../lib/client/http_client.ts";
import { watchEvents } from "../../../lib/client/watch.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");

/** Ordinary allocation in a consumer's loop, then a full collection. */
function churn(): void {
  let junk: unknown[] = [];
  for (let i = 0; i < 20_000; i++) junk.push({ i, s: `x${i}` });
  junk = [];
  gc!();
}

const CHUNK = new Uint8Array(64 * 1024).fill(0x20); // 64 KiB of spaces: no event, no JSON
const EVENT = new TextEncoder().encode(
  JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "1" } } }) + "\n",
);
const EVENTS = new Uint8Array(EVENT.length * 500);
for (let i = 0; i < 500; i++) EVENTS.set(EVENT, i * EVENT.length);

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
  const path = new URL(req.url).pathname;
  const body = new ReadableStream<Uint8Array>({
    start(controller): void {
      // Headers go out with a first chunk; a silent stream then says nothing more.
      controller.enqueue(new Uint8Array([0x20]));
    },
    async pull(controller): Promise<void> {
      if (path === "/silent") return await new Promise(() => {});
      await new Promise((r) => setTimeout(r, 1));
      controller.enqueue(path === "/events" ? EVENTS : CHUNK);
    },
  });
  return new Response(body);
});
const base = `http://127.0.0.1:${server.addr.port}`;
const client = new HttpRestClient({ server: base }, { retry: false });

function within<T>(ms: number, p: Promise<T>): Promise<T | "hung"> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<"hung">((r) => (timer = setTimeout(() => r("hung"), ms))),
  ]).finally(() => clearTimeout(timer));
}

type Result = { name: string; ok: boolean; detail: string };

async function transportAbort(path: string): Promise<Result> {
  const ac = new AbortController();
  const stream = await client.performRequest({
    method: "GET",
    path,
    expectStream: true,
    abortSignal: ac.signal,
  });
  const reader = stream.getReader();
  await reader.read(); // the first byte
  for (let i = 0; i < 5; i++) churn();
  if (path === "/flowing") {
    for (let i = 0; i < 20; i++) {
      await reader.read();
      churn();
    }
  }
  ac.abort(new Error("caller stopped"));
  // After the abort the stream must end or fail soon; data may still be buffered.
  const outcome = await within(
    5_000,
    (async () => {
      try {
        for (let i = 0; i < 10_000; i++) {
          const { done } = await reader.read();
          if (done) return "ended";
        }
        return "still flowing after 10000 reads";
      } catch (err) {
        return `rejected: ${(err as Error).message}`;
      }
    })(),
  );
  reader.cancel().catch(() => {});
  const ok = outcome === "ended" || String(outcome).startsWith("rejected");
  return { name: `transport: caller abort, ${path.slice(1)} stream`, ok, detail: String(outcome) };
}

async function watchStop(path: string, how: "abort" | "idle"): Promise<Result> {
  const ac = new AbortController();
  const events = watchEvents(client, path, {
    querystring: new URLSearchParams(),
    abortSignal: ac.signal,
    idleTimeoutMs: how === "idle" ? 300 : undefined,
  });
  const gcTimer = setInterval(churn, 50);
  const abortTimer = how === "abort" && path === "/silent"
    ? setTimeout(() => ac.abort(new Error("caller stopped")), 500)
    : undefined;
  const outcome = await within(
    8_000,
    (async () => {
      try {
        let n = 0;
        for await (const _ of events) {
          if (++n % 200 === 0) churn();
          if (how === "abort" && n === 2_000) ac.abort(new Error("caller stopped"));
          if (n > 200_000) return "still flowing";
        }
        return "ended";
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
    })(),
  );
  clearInterval(gcTimer);
  clearTimeout(abortTimer);
  if (how === "abort" && !ac.signal.aborted) ac.abort();
  const expected = how === "idle" ? /^WatchIdleError/ : /caller stopped/;
  return {
    name: `watch: ${how === "idle" ? "idle watchdog" : "caller abort"}, ${path.slice(1)} stream`,
    ok: expected.test(String(outcome)),
    detail: String(outcome),
  };
}

const scenarios = [
  () => transportAbort("/silent"),
  () => transportAbort("/flowing"),
  () => watchStop("/silent", "idle"),
  () => watchStop("/flowing", "idle"),
  () => watchStop("/silent", "abort"),
  () => watchStop("/events", "abort"),
];
for (const run of scenarios) {
  let result: Result;
  try {
    result = await run();
  } catch (err) {
    result = { name: String(run), ok: false, detail: String(err) };
  }
  console.log(JSON.stringify(result));
}
client.close();
await server.shutdown();
Deno.exit(0);
