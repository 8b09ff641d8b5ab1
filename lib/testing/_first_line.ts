/**
 * Starts a helper process that announces itself with one line on stdout (a port, its PIDs, as
 * JSON) and hands back that line: the test fixtures of the control plane and the benchmarks'
 * loopback servers all start this way.
 *
 * @module
 */

/** A process started by {@linkcode spawnFirstLine}. */
export interface FirstLineProcess {
  /** The process. */
  readonly child: Deno.ChildProcess;
  /** The first line it printed, without the newline. */
  readonly firstLine: string;
  /** The rest of its stdout, read in the background until the stream ends or is cancelled. */
  readonly rest: Promise<string>;
  /** Kills the process (SIGTERM), stops reading its stdout and waits until it has exited. */
  stop(): Promise<void>;
}

/**
 * Runs `command args...` (stdin closed, stderr inherited) and waits for the first line of its
 * stdout. Throws when stdout ends before a whole line.
 */
export async function spawnFirstLine(command: string, args: string[]): Promise<FirstLineProcess> {
  const child = new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) {
      await child.status;
      throw new Error(`${command} ${args.join(" ")} ended before printing a line: ${text}`);
    }
    text += value;
  }
  const newline = text.indexOf("\n");
  const rest = (async () => {
    let more = text.slice(newline + 1);
    while (true) {
      const { done, value } = await reader.read();
      if (done) return more;
      more += value;
    }
  })();
  return {
    child,
    firstLine: text.slice(0, newline),
    rest,
    async stop() {
      try {
        child.kill();
      } catch {
        // Already exited.
      }
      await reader.cancel().catch(() => {});
      await child.status;
    },
  };
}
