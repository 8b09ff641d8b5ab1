import assert from "node:assert/strict";
import { JsonLinesDecoder, jsonLinesStream } from "../../lib/client/json_lines.ts";
import type { JSONValue } from "../../lib/client/contract.ts";

const enc = new TextEncoder();

Deno.test("JsonLinesDecoder: lines split across chunks at every byte, including UTF-8", () => {
  const events = [{ a: "é😀ü" }, { b: [1, 2, { c: null }] }, { d: "x".repeat(100) }];
  const bytes = enc.encode(events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  for (let cut = 1; cut < bytes.length; cut++) {
    const decoder = new JsonLinesDecoder();
    const out: JSONValue[] = [];
    decoder.push(bytes.subarray(0, cut), out);
    decoder.push(bytes.subarray(cut), out);
    decoder.flush(out);
    assert.deepEqual(out, events, `cut at ${cut}`);
  }
});

Deno.test("JsonLinesDecoder: byte-at-a-time, blank lines, CRLF and a last line without newline", () => {
  const bytes = enc.encode('{"a":1}\r\n\n{"b":2}\n{"c":3}');
  const decoder = new JsonLinesDecoder();
  const out: JSONValue[] = [];
  for (const b of bytes) decoder.push(Uint8Array.of(b), out);
  assert.deepEqual(out, [{ a: 1 }, { b: 2 }]);
  decoder.flush(out);
  assert.deepEqual(out, [{ a: 1 }, { b: 2 }, { c: 3 }]);
});

Deno.test("JsonLinesDecoder: a broken line is a clear error that does not quote the line", () => {
  const decoder = new JsonLinesDecoder();
  const out: JSONValue[] = [];
  assert.throws(
    () => decoder.push(enc.encode('{"a":1}\n{"password":"hunter2"\n'), out),
    (err: Error) => {
      assert.equal(err.name, "SyntaxError");
      assert.match(err.message, /line 2/);
      assert.doesNotMatch(err.message, /hunter2/);
      return true;
    },
  );
});

Deno.test("jsonLinesStream: yields every value and propagates cancel", async () => {
  const body = ReadableStream.from([enc.encode('{"n":1}\n{"n"'), enc.encode(':2}\n{"n":3}\n')]);
  const values: JSONValue[] = [];
  for await (const v of jsonLinesStream(body)) values.push(v);
  assert.deepEqual(values, [{ n: 1 }, { n: 2 }, { n: 3 }]);

  let cancelled = false;
  const endless = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(enc.encode('{"x":1}\n'));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const _ of jsonLinesStream(endless)) break;
  assert.equal(cancelled, true);
});
