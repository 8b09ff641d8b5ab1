/**
 * A fast decoder for newline-delimited JSON (the body of a watch response).
 *
 * It decodes bytes, splits on `\n` and `JSON.parse`s each line, with no per-line stream
 * machinery, so it runs close to the speed of those three steps alone. Each byte is scanned
 * once however the line is split into chunks, and a line may not grow past a limit.
 *
 * @module
 */

import type { JSONValue } from "./contract.ts";
import { LineTooLongError } from "./errors.ts";

/**
 * The default longest line, in characters: 64 MiB. The API server refuses objects above
 * about 3 MiB, so a longer watch event is a broken or hostile stream.
 */
export const DEFAULT_MAX_LINE_LENGTH: number = 64 * 1024 * 1024;

/**
 * Options of {@linkcode JsonLinesDecoder} and {@linkcode jsonLinesStream}.
 *
 * @example
 * ```ts
 * import { jsonLinesStream } from "@staircase/staircase/client";
 *
 * // Refuse lines longer than 1 KiB instead of the default 64 Mi characters.
 * const body = new Response('{"type":"ADDED"}\n').body!;
 * for await (const value of jsonLinesStream(body, { maxLineLength: 1024 })) console.log(value);
 * // { type: "ADDED" }
 * ```
 */
export interface JsonLinesOptions {
  /**
   * The longest line accepted, in characters; a longer one fails with `LineTooLongError`
   * as soon as it is known to be longer (the rest is not buffered).
   *
   * @default {67108864}
   */
  maxLineLength?: number;
}

/**
 * Incremental JSON-lines decoder: feed chunks that may split lines (and UTF-8 characters)
 * anywhere; get each complete line's value.
 *
 * @example
 * ```ts
 * import { JsonLinesDecoder, type JSONValue } from "@staircase/staircase/client";
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
  readonly #decoder = new TextDecoder();
  readonly #max: number;
  /** Pieces of the unfinished line; only the newest piece is ever scanned. */
  #pending: string[] = [];
  #pendingLength = 0;
  #line = 0;

  /** Creates a decoder. */
  constructor(options: JsonLinesOptions = {}) {
    const max = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    if (!(max >= 1)) throw new RangeError(`maxLineLength must be at least 1, got ${max}`);
    this.#max = max;
  }

  /** Decodes `chunk`, appending the value of every completed line to `out`. */
  push(chunk: Uint8Array, out: JSONValue[]): void {
    const text = this.#decoder.decode(chunk, { stream: true });
    let start = 0;
    let end = text.indexOf("\n");
    while (end !== -1) {
      let line = text.slice(start, end);
      if (this.#pendingLength > 0) {
        this.#pending.push(line);
        line = this.#pending.join("");
        this.#pending = [];
        this.#pendingLength = 0;
      }
      if (line.length > this.#max) throw new LineTooLongError(this.#max);
      if (line.length > 0) this.#parse(line, out);
      start = end + 1;
      end = text.indexOf("\n", start);
    }
    if (start < text.length) {
      const rest = start === 0 ? text : text.slice(start);
      this.#pendingLength += rest.length;
      if (this.#pendingLength > this.#max) {
        this.#pending = [];
        this.#pendingLength = 0;
        throw new LineTooLongError(this.#max);
      }
      this.#pending.push(rest);
    }
  }

  /** Decodes whatever is left at the end of the stream (a last line without `\n`). */
  flush(out: JSONValue[]): void {
    this.#pending.push(this.#decoder.decode());
    const text = this.#pending.join("");
    this.#pending = [];
    this.#pendingLength = 0;
    if (text.length > this.#max) throw new LineTooLongError(this.#max);
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
 * import { jsonLinesStream } from "@staircase/staircase/client";
 *
 * const body = new Response('{"type":"ADDED"}\n').body!;
 * for await (const value of jsonLinesStream(body)) console.log(value); // { type: "ADDED" }
 * ```
 */
export function jsonLinesStream(
  body: ReadableStream<Uint8Array>,
  options: JsonLinesOptions = {},
): ReadableStream<JSONValue> {
  const reader = body.getReader();
  const decoder = new JsonLinesDecoder(options);
  const batch: JSONValue[] = [];
  return new ReadableStream<JSONValue>({
    async pull(controller): Promise<void> {
      // Read until at least one value is ready, so each pull makes progress.
      while (true) {
        const { done, value } = await reader.read();
        try {
          if (done) decoder.flush(batch);
          else decoder.push(value, batch);
        } catch (err) {
          reader.cancel(err).catch(() => {});
          throw err;
        }
        const progressed = batch.length > 0;
        for (const v of batch) controller.enqueue(v);
        batch.length = 0;
        if (done) {
          controller.close();
          return;
        }
        // Each pull must enqueue something (or end the stream), or the pending read stalls.
        if (progressed) return;
      }
    },
    async cancel(reason): Promise<void> {
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
