/**
 * A fast decoder for newline-delimited JSON (the body of a watch response).
 *
 * It decodes bytes, splits on `\n` and `JSON.parse`s each line, with no per-line stream
 * machinery, so it runs close to the speed of those three steps alone.
 *
 * @module
 */

import type { JSONValue } from "./contract.ts";

/**
 * Incremental JSON-lines decoder: feed chunks that may split lines (and UTF-8 characters)
 * anywhere; get each complete line's value.
 *
 * @example
 * ```ts
 * import { JsonLinesDecoder } from "./json_lines.ts";
 * import type { JSONValue } from "./contract.ts";
 *
 * const decoder = new JsonLinesDecoder();
 * const out: JSONValue[] = [];
 * const bytes = new TextEncoder().encode('{"a":1}\n{"b"');
 * decoder.push(bytes, out);
 * decoder.push(new TextEncoder().encode(":2}\n"), out);
 * console.log(out); // [ { a: 1 }, { b: 2 } ]
 * ```
 */
export class JsonLinesDecoder {
  #decoder = new TextDecoder();
  #rest = "";
  #line = 0;

  /** Decodes `chunk`, appending the value of every completed line to `out`. */
  push(chunk: Uint8Array, out: JSONValue[]): void {
    const text = this.#rest + this.#decoder.decode(chunk, { stream: true });
    let start = 0;
    let end = text.indexOf("\n");
    while (end !== -1) {
      if (end > start) this.#parse(text.slice(start, end), out);
      start = end + 1;
      end = text.indexOf("\n", start);
    }
    this.#rest = start === 0 ? text : text.slice(start);
  }

  /** Decodes whatever is left at the end of the stream (a last line without `\n`). */
  flush(out: JSONValue[]): void {
    const text = this.#rest + this.#decoder.decode();
    this.#rest = "";
    if (text.trim() !== "") this.#parse(text, out);
  }

  #parse(line: string, out: JSONValue[]): void {
    this.#line++;
    try {
      out.push(JSON.parse(line));
    } catch (err) {
      // A blank line (e.g. "\r") is harmless; anything else is a broken stream.
      if (line.trim() === "") return;
      // The line's content is not quoted: it may hold secret data.
      throw new SyntaxError(
        `JSON-lines stream: line ${this.#line} (${line.length} characters) is not valid JSON`,
        { cause: err },
      );
    }
  }
}

/**
 * Turns a byte stream of JSON lines into a stream of parsed values.
 *
 * @example
 * ```ts
 * import { jsonLinesStream } from "./json_lines.ts";
 *
 * const body = new Response('{"type":"ADDED"}\n').body!;
 * for await (const value of jsonLinesStream(body)) console.log(value);
 * ```
 */
export function jsonLinesStream(body: ReadableStream<Uint8Array>): ReadableStream<JSONValue> {
  const reader = body.getReader();
  const decoder = new JsonLinesDecoder();
  const batch: JSONValue[] = [];
  return new ReadableStream<JSONValue>({
    async pull(controller): Promise<void> {
      // Read until at least one value is ready, so each pull makes progress.
      while (true) {
        const { done, value } = await reader.read();
        if (done) {
          decoder.flush(batch);
          for (const v of batch) controller.enqueue(v);
          batch.length = 0;
          controller.close();
          return;
        }
        decoder.push(value, batch);
        if (batch.length > 0) {
          for (const v of batch) controller.enqueue(v);
          batch.length = 0;
          return;
        }
      }
    },
    async cancel(reason): Promise<void> {
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
