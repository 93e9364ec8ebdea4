/**
 * The OpenAI provider stub (test/support/ai-stubs.ts) in a process of its own, for the benchmarks in this folder:
 * a real provider is remote, so the stub must not share the event loop of the platform under measurement.
 *
 * `startStubProcess()` spawns this file and resolves once the stub listens. The child prints one JSON line per
 * message on stdout and reads one command per line on stdin:
 *   - `last`  answers `{"last": {method, path, headers, body}}`: the last request it received (to copy the body
 *     the platform sends upstream into the direct runs);
 *   - `stats` answers `{"stats": {served, rssMiB}}`: requests received since it started;
 *   - `delay <ms>` answers `{"delay": ms}`: from now on the stub waits between ms/2 and 3ms/2 (uniformly, mean ms)
 *     before answering: a provider's own latency, which varies (a fixed one would keep the connections in lockstep,
 *     all arriving at once).
 * It exits when its stdin closes (so it never outlives the benchmark).
 *
 * The stub records every request in `requests` (headers and parsed body); the child empties that list every
 * second (`reset()`, which also restores the default behaviour the benchmarks use), so its memory stays flat.
 * The recording itself (a copy of the headers and a JSON.parse of the body per request) is part of the stub's
 * per-request cost, the same in the direct and the platform runs.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { startOpenAIStub, type RecordedRequest } from "../support/ai-stubs";

export interface StubProcess {
  /** "http://127.0.0.1:<port>/v1", as OPENAI_BASE_URL expects it. */
  baseUrl: string;
  pid: number;
  /** The last request the stub received (headers and parsed JSON body). */
  last(): Promise<Pick<RecordedRequest, "method" | "path" | "headers" | "body"> | undefined>;
  stats(): Promise<{ served: number; rssMiB: number }>;
  /** How long the stub waits before each answer from now on. */
  setDelay(ms: number): Promise<void>;
  stop(): Promise<void>;
}

type Message =
  | { baseUrl: string }
  | { delay: number }
  | { last: Pick<RecordedRequest, "method" | "path" | "headers" | "body"> | null }
  | { stats: { served: number; rssMiB: number } };

export async function startStubProcess(): Promise<StubProcess> {
  const child = spawn(process.execPath, [__filename], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(message: Message) => void> = [];
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  let failure: Error | undefined;
  child.on("error", (error) => (failure = error));
  lines.on("line", (line) => waiting.shift()?.(JSON.parse(line) as Message));
  const next = (): Promise<Message> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.push(resolve);
      void exited.then((code) => reject(new Error(`the stub process exited with ${code}`)));
    });
  const ask = async (command: string): Promise<Message> => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    return answer;
  };

  const ready = await next();
  if (!("baseUrl" in ready)) throw new Error(`the stub process said ${JSON.stringify(ready)} instead of its address`);
  return {
    baseUrl: ready.baseUrl,
    pid: child.pid ?? -1,
    async last() {
      const answer = await ask("last");
      return "last" in answer ? (answer.last ?? undefined) : undefined;
    },
    async stats() {
      const answer = await ask("stats");
      if (!("stats" in answer)) throw new Error(`the stub process said ${JSON.stringify(answer)} to "stats"`);
      return answer.stats;
    },
    async setDelay(ms) {
      const answer = await ask(`delay ${ms}`);
      if (!("delay" in answer)) throw new Error(`the stub process said ${JSON.stringify(answer)} to "delay"`);
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

async function childMain(): Promise<void> {
  const stub = await startOpenAIStub();
  let served = 0;
  let last: RecordedRequest | undefined;
  let delayMs = 0;
  const forget = (): void => {
    served += stub.requests.length;
    last = stub.requests.at(-1) ?? last;
    stub.reset();
    stub.behave({ delayMs: delayMs / 2, delayJitterMs: delayMs });
  };
  const timer = setInterval(forget, 1000);
  const say = (message: Message): void => void process.stdout.write(`${JSON.stringify(message)}\n`);
  say({ baseUrl: stub.baseUrl });

  const commands = createInterface({ input: process.stdin });
  commands.on("line", (command) => {
    forget();
    if (command === "last") say({ last: last ? { method: last.method, path: last.path, headers: last.headers, body: last.body } : null });
    else if (command.startsWith("delay ")) {
      delayMs = Number(command.slice(6));
      stub.behave({ delayMs: delayMs / 2, delayJitterMs: delayMs });
      say({ delay: delayMs });
    } else if (command === "stats") say({ stats: { served, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) } });
  });
  commands.on("close", () => {
    clearInterval(timer);
    void stub.close();
  });
}

if (require.main === module) {
  childMain().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
