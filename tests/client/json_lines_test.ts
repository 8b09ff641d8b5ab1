import assert from "node:assert/strict";
import {
  DEFAULT_MAX_LINE_LENGTH,
  JsonLinesDecoder,
  jsonLinesStream,
} from "../../lib/client/json_lines.ts";
import { LineTooLongError } from "../../lib/client/errors.ts";
import { fails } from "./test_server.ts";
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

Deno.test("item 4: each byte is scanned once, however a long line is split", () => {
  // Count the characters indexOf has to look at: linear decoding scans each about once;
  // re-scanning the pending line on every chunk is quadratic.
  const original = String.prototype.indexOf;
  let scanned = 0;
  String.prototype.indexOf = function (this: string, search: string, from?: number): number {
    scanned += this.length - (from ?? 0);
    return original.call(this, search, from);
  };
  const chunk = enc.encode("x".repeat(64 * 1024));
  const chunks = 64; // a 4 MiB line
  try {
    const decoder = new JsonLinesDecoder();
    const out: JSONValue[] = [];
    decoder.push(enc.encode('"'), out);
    for (let i = 0; i < chunks; i++) decoder.push(chunk, out);
    decoder.push(enc.encode('"\n'), out);
    assert.equal(out.length, 1);
    assert.equal((out[0] as string).length, chunks * chunk.length);
  } finally {
    String.prototype.indexOf = original;
  }
  assert.ok(scanned <= 2 * chunks * chunk.length, `scanned ${scanned} characters`);
});

Deno.test("item 4: a line longer than maxLineLength is a LineTooLongError naming the limit", () => {
  const decoder = new JsonLinesDecoder({ maxLineLength: 1000 });
  const out: JSONValue[] = [];
  decoder.push(enc.encode(`${JSON.stringify({ ok: "x".repeat(900) })}\n`), out);
  assert.equal(out.length, 1);
  // Without a newline: refused as soon as the pending part passes the limit.
  decoder.push(enc.encode("y".repeat(600)), out);
  assert.throws(
    () => decoder.push(enc.encode("y".repeat(600)), out),
    fails(LineTooLongError, /longer than the limit of 1000 characters \(maxLineLength\)/),
  );
  // A complete line within one chunk is checked too.
  assert.throws(
    () => new JsonLinesDecoder({ maxLineLength: 10 }).push(enc.encode(`"${"z".repeat(20)}"\n`), []),
    fails(LineTooLongError),
  );
  assert.equal(new LineTooLongError(5).maxLineLength, 5);
  assert.ok(DEFAULT_MAX_LINE_LENGTH >= 16 * 1024 * 1024);
  assert.throws(() => new JsonLinesDecoder({ maxLineLength: 0 }), fails(RangeError));
});

Deno.test("item 4: jsonLinesStream fails with LineTooLongError and cancels its source", async () => {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(enc.encode("w".repeat(1000)));
    },
    cancel() {
      cancelled = true;
    },
  });
  const values = jsonLinesStream(body, { maxLineLength: 5000 });
  await assert.rejects(Array.fromAsync(values), fails(LineTooLongError));
  assert.equal(cancelled, true);
});
