/**
 * The {@linkcode WriteRecorder}: the client a Run's steps get, which remembers every
 * successful write. The controller uses the record twice: the next Run of the key waits until
 * the caches have seen those writes (read-your-own-writes), and a Run that made more than one
 * counted write broke the one-change rule.
 *
 * @module
 */

import type { JSONValue, RequestOptions, RestClient } from "../client/contract.ts";
import { decorateRestClient } from "../client/decorate.ts";

/**
 * Why a write was made, which decides whether it counts for the one-change rule:
 * `change` counts; `best-effort` (a step said so) and `status` (a status attached to an
 * outcome) do not.
 *
 * @example
 * ```ts
 * import { bestEffort, type WritePurpose, WriteRecorder } from "@staircase/staircase/controller";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 *
 * const recorder = new WriteRecorder(restClientFromHandler(() => Promise.resolve({})));
 * const patch = { method: "PATCH" as const, path: "/api/v1/namespaces/prod/configmaps/web" };
 * await recorder.client.performRequest(patch); // a change
 * await bestEffort(recorder.client).performRequest(patch); // marked best-effort by the step
 * const purposes: WritePurpose[] = recorder.writes.map((write) => write.purpose);
 * console.log(purposes, recorder.changes); // [ "change", "best-effort" ] 1
 * ```
 */
export type WritePurpose = "change" | "best-effort" | "status";

/**
 * One successful write, as the recorder saw it.
 *
 * @example
 * ```ts
 * import { type RecordedWrite, WriteRecorder } from "@staircase/staircase/controller";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 *
 * // The server's answer names what was written and the resourceVersion it got.
 * const server = restClientFromHandler(() =>
 *   Promise.resolve({
 *     apiVersion: "v1",
 *     kind: "ConfigMap",
 *     metadata: { name: "web", namespace: "prod", resourceVersion: "42" },
 *   })
 * );
 * const recorder = new WriteRecorder(server);
 * await recorder.client.performRequest({
 *   method: "POST",
 *   path: "/api/v1/namespaces/prod/configmaps",
 *   expectJson: true,
 * });
 * const [write]: readonly RecordedWrite[] = recorder.writes;
 * console.log(write.kind, write.name, write.resourceVersion, write.purpose); // ConfigMap web 42 change
 * ```
 */
export interface RecordedWrite {
  /** The HTTP method. */
  readonly method: string;
  /** The request path. */
  readonly path: string;
  /** Whether it counts for the one-change rule (`change`) or not. */
  readonly purpose: WritePurpose;
  /** The written object's apiVersion, from the response (absent for e.g. a Status answer). */
  readonly apiVersion?: string;
  /** The written object's kind, from the response. */
  readonly kind?: string;
  /** The written object's namespace. */
  readonly namespace?: string;
  /** The written object's name. */
  readonly name?: string;
  /** The resourceVersion the server gave the write: what the cache must reach. */
  readonly resourceVersion?: string;
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Records the writes of one Run. Give steps {@linkcode WriteRecorder.client}; hand
 * {@linkcode WriteRecorder.statusClient} to the status writer; a step that makes a write the
 * next Run does not depend on uses {@linkcode bestEffort}`(context.client)`.
 *
 * Only writes that succeeded are recorded (a write that failed is the Run's failure already).
 * Dry-run writes are not recorded.
 *
 * @example
 * ```ts
 * import { WriteRecorder } from "@staircase/staircase/controller";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 *
 * const server = restClientFromHandler(() =>
 *   Promise.resolve({
 *     apiVersion: "v1",
 *     kind: "ConfigMap",
 *     metadata: { name: "a", resourceVersion: "7" },
 *   })
 * );
 * const recorder = new WriteRecorder(server);
 * await recorder.client.performRequest({
 *   method: "POST",
 *   path: "/api/v1/namespaces/d/configmaps",
 *   expectJson: true,
 * });
 * console.log(recorder.changes, recorder.writes[0].resourceVersion); // 1 7
 * ```
 */
export class WriteRecorder {
  /** The client for steps: its writes count as changes. */
  readonly client: RestClient;
  /** The same server, with writes recorded as best-effort (not counted). */
  readonly bestEffortClient: RestClient;
  /** The same server, with writes recorded as status writes (not counted). */
  readonly statusClient: RestClient;
  readonly #writes: RecordedWrite[] = [];
  readonly #onWrite: ((write: RecordedWrite) => void) | undefined;

  /**
   * Creates a recorder over `inner`.
   *
   * @param inner The client that sends the requests.
   * @param onWrite Called with each write as it is recorded (errors are ignored).
   */
  constructor(inner: RestClient, onWrite?: (write: RecordedWrite) => void) {
    this.#onWrite = onWrite;
    this.client = this.#view(inner, "change");
    this.bestEffortClient = this.#view(inner, "best-effort");
    this.statusClient = this.#view(inner, "status");
    CLIENTS.set(this.client, this.bestEffortClient);
    CLIENTS.set(this.bestEffortClient, this.bestEffortClient);
    CLIENTS.set(this.statusClient, this.statusClient);
  }

  /** Every successful write so far, in order. */
  get writes(): readonly RecordedWrite[] {
    return this.#writes;
  }

  /** How many writes count for the one-change rule. */
  get changes(): number {
    return this.#writes.filter((write) => write.purpose === "change").length;
  }

  #view(inner: RestClient, purpose: WritePurpose): RestClient {
    return decorateRestClient(inner, async (options, next) => {
      const answer = await next(options);
      if (WRITE_METHODS.has(options.method) && !isDryRun(options)) {
        const write = describeWrite(options, purpose, answer);
        this.#writes.push(write);
        try {
          this.#onWrite?.(write);
        } catch {
          // A listener's failure must not turn a successful write into a failed one.
        }
      }
      return answer;
    });
  }
}

/** Recorder views by client: lets {@linkcode bestEffort} find the best-effort twin. */
const CLIENTS = new WeakMap<RestClient, RestClient>();

/**
 * The best-effort twin of a Run's client: writes through it are recorded (the next Run still
 * waits for the cache to see them) but do not count for the one-change rule. Use it for writes
 * nothing later in the plan depends on, e.g. a cosmetic annotation. Any other client is
 * returned as it is.
 *
 * @param client A step's `context.client`.
 * @returns The client whose writes are best-effort.
 *
 * @example
 * ```ts
 * import { bestEffort, WriteRecorder } from "@staircase/staircase/controller";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 *
 * const recorder = new WriteRecorder(restClientFromHandler(() => Promise.resolve({})));
 * await bestEffort(recorder.client).performRequest({ method: "PATCH", path: "/api/v1/namespaces/d/configmaps/a" });
 * console.log(recorder.writes.length, recorder.changes); // 1 0
 * ```
 */
export function bestEffort(client: RestClient): RestClient {
  return CLIENTS.get(client) ?? client;
}

function isDryRun(options: RequestOptions): boolean {
  return options.querystring?.has("dryRun") ?? false;
}

function describeWrite(
  options: RequestOptions,
  purpose: WritePurpose,
  answer: unknown,
): RecordedWrite {
  const base = { method: options.method, path: options.path, purpose };
  if (typeof answer !== "object" || answer === null || answer instanceof Uint8Array) return base;
  if (answer instanceof ReadableStream) return base;
  const object = answer as { [key: string]: JSONValue };
  const metadata = object.metadata as { [key: string]: JSONValue } | undefined;
  if (object.kind === "Status" || typeof metadata !== "object" || metadata === null) return base;
  return {
    ...base,
    apiVersion: typeof object.apiVersion === "string" ? object.apiVersion : undefined,
    kind: typeof object.kind === "string" ? object.kind : undefined,
    namespace: typeof metadata.namespace === "string" ? metadata.namespace : undefined,
    name: typeof metadata.name === "string" ? metadata.name : undefined,
    resourceVersion: typeof metadata.resourceVersion === "string"
      ? metadata.resourceVersion
      : undefined,
  };
}
