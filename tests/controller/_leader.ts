/**
 * Shared set-up of the leader election tests: clients to the shared test control plane that
 * can be made to fail, a logger that keeps what it is told, and term bookkeeping.
 *
 * @module
 */
import {
  ConnectionError,
  type HttpRestClient,
  type JSONValue,
  kubeConfigClient,
  KubernetesApiError,
  type RequestOptions,
  type RestClient,
} from "../../lib/client/mod.ts";
import type { LeaderElector } from "../../lib/controller/mod.ts";
import type { Logger } from "../../lib/steps/mod.ts";
import type { TestCluster } from "../../lib/testing/mod.ts";

/** How a {@linkcode FlakyClient} fails while failing. */
export type FailureMode = "connection" | "server-error";

/**
 * A RestClient over the real API server that fails every request while `failing` is set:
 * a network partition ("connection") or an overloaded server ("server-error", a 500).
 */
export class FlakyClient implements RestClient, Disposable {
  failing: FailureMode | undefined;
  failed = 0;
  readonly #inner: HttpRestClient;

  constructor(inner: HttpRestClient) {
    this.#inner = inner;
  }

  performRequest(options: RequestOptions & { expectJson: true }): Promise<JSONValue>;
  performRequest(options: RequestOptions): Promise<never>;
  performRequest(options: RequestOptions): Promise<unknown> {
    if (this.failing === "connection") {
      this.failed++;
      return Promise.reject(new ConnectionError("https://127.0.0.1", "connection reset (test)"));
    }
    if (this.failing === "server-error") {
      this.failed++;
      return Promise.reject(
        new KubernetesApiError({ kind: "Status", code: 500, message: "etcd is sad (test)" }, {
          method: options.method,
          path: options.path,
        }),
      );
    }
    return this.#inner.performRequest(options);
  }

  [Symbol.dispose](): void {
    this.#inner.close();
  }
}

/** A client for the shared test control plane that can be made to fail. */
export async function flakyClient(cluster: TestCluster): Promise<FlakyClient> {
  return new FlakyClient(await kubeConfigClient({ paths: [cluster.kubeconfigPath] }));
}

/** One log record. */
export interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  properties?: Record<string, unknown>;
}

/** A logger that keeps every record. */
export function recordingLogger(records: LogRecord[]): Logger {
  const at =
    (level: LogRecord["level"]) => (message: string, properties?: Record<string, unknown>) =>
      void records.push({ level, message, properties });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** One term as seen through the elector's own signals (local monotonic clock, ms). */
export interface Term {
  who: string;
  start: number;
  end?: number;
  reason?: string;
}

/** Options that record every term of an elector into `terms`. */
export function recordTerms(terms: Term[], who: string): {
  onStartedLeading: (signal: AbortSignal) => void;
} {
  return {
    onStartedLeading: (signal) => {
      const term: Term = { who, start: performance.now() };
      terms.push(term);
      signal.addEventListener("abort", () => {
        term.end = performance.now();
        term.reason = (signal.reason as { reason?: string })?.reason;
      }, { once: true });
    },
  };
}

/** Pairs of terms of different electors that overlap in time. */
export function overlaps(terms: readonly Term[]): [Term, Term][] {
  const found: [Term, Term][] = [];
  for (const a of terms) {
    for (const b of terms) {
      if (a === b || a.who === b.who || a.start > b.start) continue;
      const aEnd = a.end ?? Infinity;
      if (b.start < aEnd) found.push([a, b]);
    }
  }
  return found;
}

/** Resolves with the elapsed milliseconds once `elector` leads; rejects after `timeoutMs`. */
export async function timeToLead(elector: LeaderElector, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new Error(`${elector.identity} did not lead within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await elector.leading(timeout.signal);
    return performance.now() - started;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves with whichever of `electors` leads (at once if one does); rejects after
 * `timeoutMs`. Cancels every wait it started.
 */
export async function firstLeader(
  electors: readonly LeaderElector[],
  timeoutMs: number,
): Promise<LeaderElector> {
  const current = electors.find((e) => e.isLeader);
  if (current) return current;
  const done = new AbortController();
  const timer = setTimeout(
    () => done.abort(new Error(`nobody led within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    return await Promise.race(
      electors.map((e) => e.leading(done.signal).then(() => e)),
    );
  } finally {
    clearTimeout(timer);
    done.abort(new Error("settled"));
  }
}

/** Resolves once `signal` aborts, with the elapsed milliseconds; rejects after `timeoutMs`. */
export function timeToAbort(signal: AbortSignal, timeoutMs: number): Promise<number> {
  const started = performance.now();
  if (signal.aborted) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      reject(new Error(`the term did not end within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Waits `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
