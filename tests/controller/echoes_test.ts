/**
 * Echo suppression's memory: a write's echo is recognised, and the states of writes whose echo
 * never comes (an unwatched kind or scope) are forgotten after ECHO_MEMORY_MS, so a long-running
 * controller does not grow with every object it ever wrote.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ECHO_MEMORY_MS, Echoes } from "../../lib/controller/_echoes.ts";
import { type CacheEvent, liveKey } from "../../lib/controller/mod.ts";
import type { RecordedWrite } from "../../lib/controller/write_record.ts";

const write = (name: string, resourceVersion: string): RecordedWrite => ({
  method: "POST",
  path: `/api/v1/namespaces/ns/configmaps`,
  purpose: "change",
  apiVersion: "v1",
  kind: "ConfigMap",
  namespace: "ns",
  name,
  resourceVersion,
});
const echoOf = (name: string, resourceVersion: string) => ({
  object: liveKey("v1", "ConfigMap", "ns", name),
  resourceVersion,
});
const modified = { type: "modified" } as CacheEvent<unknown>;

Deno.test("a write's echo is ours; another state of the object is news", () => {
  const echoes = new Echoes(() => 0);
  echoes.written(write("a", "5"));
  assert.equal(echoes.isOurs(echoOf("a", "5"), modified), true);
  assert.equal(echoes.isOurs(echoOf("a", "6"), modified), false);
  // The newer state superseded the echo we waited for.
  assert.equal(echoes.isOurs(echoOf("a", "5"), modified), false);
});

Deno.test("write states older than ECHO_MEMORY_MS are forgotten as new writes come", () => {
  let now = 0;
  const echoes = new Echoes(() => now);
  // Objects this controller does not watch: their echoes never come.
  for (let i = 0; i < 1000; i++) echoes.written(write(`job-${i}`, String(i + 1)));
  assert.equal(echoes.size, 1000);
  now += ECHO_MEMORY_MS - 1;
  echoes.written(write("recent", "2000"));
  assert.equal(echoes.size, 1001, "nothing is forgotten before its time");
  now += 1;
  echoes.written(write("later", "2001"));
  assert.equal(echoes.size, 2, "the 1000 old states are gone; the two recent ones stay");
  assert.equal(echoes.isOurs(echoOf("recent", "2000"), modified), true);
  assert.equal(echoes.isOurs(echoOf("job-0", "1"), modified), false);
});

Deno.test("writing an object again makes its state young again", () => {
  let now = 0;
  const echoes = new Echoes(() => now);
  echoes.written(write("a", "1"));
  echoes.written(write("b", "2"));
  now = ECHO_MEMORY_MS - 10;
  echoes.written(write("a", "3"));
  now = ECHO_MEMORY_MS + 5;
  echoes.written(write("c", "4"));
  // b (written at 0) is forgotten; a (written again at ECHO_MEMORY_MS - 10) is kept.
  assert.equal(echoes.size, 2);
  assert.equal(echoes.isOurs(echoOf("a", "3"), modified), true);
});
