// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Waiting for a starting control plane to pass `/readyz`, and turning an early exit or a
 * timeout into one named error with the tails of both logs.
 *
 * @module
 */
import { join } from "node:path";
import { ControlPlaneStartError, PortInUseError } from "./errors.ts";
import { type LoggedProcess, logTail } from "./processes.ts";

/** What {@linkcode waitReady} watches. */
export interface ReadyInput {
  url: string;
  certDir: string;
  clientCertPem: string;
  clientKeyPem: string;
  etcd: LoggedProcess;
  apiServer: LoggedProcess;
  logs: { etcd: string; apiServer: string };
  ports: { etcd: number; apiServer: number };
  timeoutMs: number;
}

/**
 * Polls `/readyz` until it passes; returns the serving CA PEM. Throws
 * {@linkcode PortInUseError} when a process exited because its port was taken, else
 * {@linkcode ControlPlaneStartError} on an early exit or at the deadline.
 *
 * @example
 * ```ts ignore
 * import { waitReady } from "./ready.ts";
 * const caPem = await waitReady(input);
 * ```
 */
export async function waitReady(input: ReadyInput): Promise<string> {
  let exited: { name: string; code: number } | undefined;
  input.etcd.exited.then((s) => exited ??= { name: "etcd", code: s.code });
  input.apiServer.exited.then((s) => exited ??= { name: "kube-apiserver", code: s.code });
  const polled = await pollHealth({
    url: `${input.url}/readyz`,
    // kube-apiserver writes its self-signed serving certificate (with its CA) here.
    caPath: join(input.certDir, "apiserver.crt"),
    cert: input.clientCertPem,
    key: input.clientKeyPem,
    timeoutMs: input.timeoutMs,
    stopped: () => exited !== undefined,
  });
  if (polled.ok) return polled.caPem;
  const lastProblem = polled.problem;
  // Give the log a moment to receive the last lines of a crashed process.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const etcdLog = await logTail(input.logs.etcd);
  const apiLog = await logTail(input.logs.apiServer);
  const exitedNow = exited as { name: string; code: number } | undefined;
  if (exitedNow) {
    const log = exitedNow.name === "etcd" ? etcdLog : apiLog;
    if (/address already in use/i.test(log)) {
      const port = exitedNow.name === "etcd" ? input.ports.etcd : input.ports.apiServer;
      throw new PortInUseError(port, exitedNow.name);
    }
    throw new ControlPlaneStartError(
      `${exitedNow.name} exited early with code ${exitedNow.code}`,
      etcdLog,
      apiLog,
    );
  }
  throw new ControlPlaneStartError(
    `kube-apiserver not ready after ${Math.round(input.timeoutMs / 1000)} s (${lastProblem}); ` +
      "raise STAIRCASE_CONTROL_PLANE_START_TIMEOUT (seconds) on slow machines",
    etcdLog,
    apiLog,
  );
}

/** What {@linkcode pollHealth} polls. */
export interface PollHealthInput {
  /** The health endpoint (`https://127.0.0.1:PORT/readyz`). */
  url: string;
  /** Where the server writes its self-signed serving certificate, trusted once it is there. */
  caPath: string;
  /** Client certificate PEM (none: no client certificate). */
  cert?: string;
  /** Client key PEM. */
  key?: string;
  /** How long to poll, in ms. */
  timeoutMs: number;
  /** Stops polling early (the process exited). */
  stopped: () => boolean;
}

/**
 * Polls `url` every 250 ms until it answers 2xx (with the serving CA PEM), `stopped()` or the
 * deadline (with the last problem seen).
 *
 * @example
 * ```ts ignore
 * import { pollHealth } from "./ready.ts";
 * const polled = await pollHealth({ url, caPath, timeoutMs: 60_000, stopped: () => false });
 * ```
 */
export async function pollHealth(
  input: PollHealthInput,
): Promise<{ ok: true; caPem: string } | { ok: false; problem: string }> {
  const deadline = Date.now() + input.timeoutMs;
  const path = new URL(input.url).pathname;
  let client: Deno.HttpClient | undefined;
  let caPem = "";
  let problem = "no response yet";
  try {
    while (Date.now() < deadline && !input.stopped()) {
      if (!client) {
        caPem = await Deno.readTextFile(input.caPath).catch(() => "");
        if (caPem.includes("END CERTIFICATE")) {
          client = Deno.createHttpClient({ caCerts: [caPem], cert: input.cert, key: input.key });
        }
      }
      if (client) {
        try {
          const res = await fetch(input.url, { client, signal: AbortSignal.timeout(5000) });
          const body = await res.text();
          if (res.ok) return { ok: true, caPem };
          problem = `${path} answered ${res.status}: ${body.slice(-500)}`;
        } catch (err) {
          problem = `${path}: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    client?.close();
  }
  return { ok: false, problem };
}
