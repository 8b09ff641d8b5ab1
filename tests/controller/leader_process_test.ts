/**
 * LeaderElector in real processes, as replicas run it: two child processes campaign for one
 * Lease with `handleShutdownSignals`; the test crashes the leader (SIGKILL: no release, the
 * follower waits out the lease) or stops it (SIGTERM: it releases, the follower takes over at
 * once), and checks from the children's own timestamps that no two terms overlap.
 *
 * @module
 */
import assert from "node:assert/strict";
import { useTestControlPlane, withNamespace } from "../../lib/testing/mod.ts";

const cluster = await useTestControlPlane();
const CLIENT = new URL("../../lib/client/mod.ts", import.meta.url).href;
const CONTROLLER = new URL("../../lib/controller/mod.ts", import.meta.url).href;
// A lease long enough that "taken over well before the lease ran out" (a release) and "not
// before the renew deadline" (a crash) stay apart by seconds, more than a loaded 2-core machine
// (API server, etcd and three Deno processes) stalls a process for.
const TIMING = { leaseDurationMs: 6_000, renewDeadlineMs: 4_000, retryPeriodMs: 200 };
// How long to wait for a line: waiting is not what is asserted, so it is generous.
const WAIT_MS = 30_000;

/** The replica: prints "ready", then "start <epoch ms>" / "end <epoch ms>" per term. */
const REPLICA = `
import { kubeConfigClient } from ${JSON.stringify(CLIENT)};
import { handleShutdownSignals, LeaderElector } from ${JSON.stringify(CONTROLLER)};
const [kubeconfig, namespace, identity] = Deno.args;
const stamp = () => (performance.timeOrigin + performance.now()).toFixed(3);
const client = await kubeConfigClient({ paths: [kubeconfig] });
const shutdown = handleShutdownSignals();
const elector = new LeaderElector({
  client, name: "replicas", namespace, identity, ...${JSON.stringify(TIMING)},
  onStartedLeading: (term) => {
    console.log("start " + stamp());
    term.addEventListener("abort", () => console.log("end " + stamp()), { once: true });
  },
});
console.log("ready");
const running = elector.run(shutdown.signal);
// Once the first attempt has settled who leads: a follower has seen the Lease.
elector.known(shutdown.signal).then((state) => console.log("known " + state), () => {});
await running;
shutdown.dispose();
client.close();
`;

interface Replica {
  name: string;
  process: Deno.ChildProcess;
  lines: string[];
  /** Resolves with the first line after `from` (an index into `lines`) matching `pattern`. */
  line(pattern: RegExp, from: number, timeoutMs: number): Promise<string>;
}

function spawnReplica(name: string, namespace: string): Replica {
  const process = new Deno.Command(Deno.execPath(), {
    // A restarted replica is a new process with a new identity, as a new pod would be.
    args: [
      "eval",
      "--no-check",
      REPLICA,
      cluster.kubeconfigPath,
      namespace,
      `${name}-${crypto.randomUUID().slice(0, 6)}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  const lines: string[] = [];
  let wake = (): void => {};
  (async () => {
    let buffer = "";
    for await (const chunk of process.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      lines.push(...parts);
      wake();
    }
  })();
  return {
    name,
    process,
    lines,
    async line(pattern, from, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (true) {
        const found = lines.slice(from).find((l) => pattern.test(l));
        if (found) return found;
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new Error(
            `${name}: no line ${pattern} within ${timeoutMs} ms: ${lines.join(" | ")}`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 100));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
}

interface Term {
  who: string;
  start: number;
  end: number;
}

Deno.test("replica processes: crashes and clean stops hand over without overlapping terms", () =>
  withNamespace(async (ns) => {
    const replicas = new Map<string, Replica>();
    const terms: Term[] = [];
    const failovers: { kind: string; ms: number }[] = [];
    const spawn = (name: string): Replica => {
      const replica = spawnReplica(name, ns);
      replicas.set(name, replica);
      return replica;
    };
    try {
      let leader = spawn("replica-a");
      await leader.line(/^start /, 0, WAIT_MS);
      let follower = spawn("replica-b");
      for (let round = 0; round < 10; round++) {
        // The follower has seen the Lease, held by the leader, before the leader goes.
        await follower.line(/^known follower$/, 0, WAIT_MS);
        const startLine = leader.lines.findLastIndex((l) => l.startsWith("start "));
        const start = Number(leader.lines[startLine].split(" ")[1]);
        const seen = follower.lines.length;
        const crash = round % 2 === 0;
        const goneAt = performance.timeOrigin + performance.now();
        leader.process.kill(crash ? "SIGKILL" : "SIGTERM");
        const status = await leader.process.status;
        if (crash) {
          assert.equal(status.signal, "SIGKILL");
          terms.push({ who: leader.name, start, end: goneAt });
        } else {
          assert.equal(status.code, 0, `${leader.name} did not stop cleanly`);
          const end = Number((await leader.line(/^end /, startLine, WAIT_MS)).split(" ")[1]);
          terms.push({ who: leader.name, start, end });
        }
        const next = Number((await follower.line(/^start /, seen, WAIT_MS)).split(" ")[1]);
        failovers.push({ kind: crash ? "crash" : "stop", ms: next - goneAt });
        if (crash) {
          // Nobody may lead before a crashed leader's lease has run out.
          assert.ok(next - goneAt > TIMING.renewDeadlineMs, `took over after ${next - goneAt} ms`);
        } else {
          // Released: no waiting out the lease.
          assert.ok(
            next - goneAt < TIMING.leaseDurationMs / 2,
            `took over after ${next - goneAt} ms`,
          );
        }
        const restarted = spawn(leader.name);
        await restarted.line(/^ready$/, 0, WAIT_MS);
        [leader, follower] = [follower, restarted];
      }
      // The last leader's term, to its end.
      const last = leader.lines.findLastIndex((l) => l.startsWith("start "));
      leader.process.kill("SIGTERM");
      await leader.process.status;
      terms.push({
        who: leader.name,
        start: Number(leader.lines[last].split(" ")[1]),
        end: Number((await leader.line(/^end /, last, WAIT_MS)).split(" ")[1]),
      });
    } finally {
      for (const replica of replicas.values()) {
        try {
          replica.process.kill("SIGKILL");
        } catch { /* already gone */ }
        await replica.process.status;
      }
    }
    terms.sort((x, y) => x.start - y.start);
    for (let i = 1; i < terms.length; i++) {
      assert.ok(
        terms[i - 1].end <= terms[i].start,
        `terms overlap: ${JSON.stringify(terms[i - 1])} and ${JSON.stringify(terms[i])}`,
      );
    }
    assert.equal(terms.length, 11);
    console.log(
      failovers.map((f) => `${f.kind} ${Math.round(f.ms)} ms`).join(", "),
    );
  }, { prefix: "leader" }));
