// Drives Debian's headless Chromium over the DevTools protocol with no browser library:
// `--remote-debugging-pipe` makes Chromium read commands on fd 3 and write replies and events on fd 4,
// as NUL-terminated JSON, which spares us a WebSocket client (Node 20 has no global WebSocket).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";

export const CHROMIUM = "/usr/bin/chromium";

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

interface CdpMessage extends Partial<CdpEvent> {
  id?: number;
  result?: unknown;
  error?: { message: string };
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: Array<(event: CdpEvent) => void> = [];
  private stderrTail = "";
  private exited: Promise<void>;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly input: Writable,
    output: Readable,
    private readonly profileDir: string,
  ) {
    let buffered = "";
    output.setEncoding("utf8");
    output.on("data", (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf("\0"); end >= 0; end = buffered.indexOf("\0")) {
        this.dispatch(JSON.parse(buffered.slice(0, end)) as CdpMessage);
        buffered = buffered.slice(end + 1);
      }
    });
    proc.stderr?.setEncoding("utf8");
    proc.stderr?.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    void this.exited.then(() => {
      for (const { reject } of this.pending.values()) reject(new Error(`Chromium exited; stderr:\n${this.stderrTail}`));
      this.pending.clear();
    });
  }

  static async launch(): Promise<Chromium> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's package (apt-get install -y chromium); .ci/run does`);
    }
    const profileDir = await mkdtemp(path.join(os.tmpdir(), "playground-chromium-"));
    const args = [
      "--headless",
      "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--mute-audio",
      `--user-data-dir=${profileDir}`,
      // Every host but the local server fails to resolve, so a CDN reference could not load even by accident.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      "--window-size=1280,860",
      "--remote-debugging-pipe",
      "about:blank",
    ];
    const proc = spawn(CHROMIUM, args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    // stdio[3] and [4] are the extra pipes asked for above; Node types them loosely as Readable | Writable.
    return new Chromium(proc, proc.stdio[3] as Writable, proc.stdio[4] as Readable, profileDir);
  }

  /** Sends a command to the browser, or to a page when sessionId is given (flat sessions). */
  send<T = Record<string, unknown>>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (result) => resolve(result as T), reject });
      this.input.write(JSON.stringify({ id, method, params, sessionId }) + "\0");
    });
  }

  onEvent(listener: (event: CdpEvent) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    try {
      if (this.proc.exitCode === null) await this.send("Browser.close").catch(() => undefined);
      await this.exited;
    } finally {
      clearTimeout(timer);
      await rm(this.profileDir, { recursive: true, force: true });
    }
  }

  private dispatch(message: CdpMessage): void {
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) pending?.reject(new Error(`CDP: ${message.error.message}`));
      else pending?.resolve(message.result);
    } else if (message.method) {
      const event: CdpEvent = { method: message.method, params: message.params ?? {}, sessionId: message.sessionId };
      for (const listener of this.listeners) listener(event);
    }
  }
}
