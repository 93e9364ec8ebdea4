import * as fs from "node:fs";
import * as net from "node:net";

/*
 * Ownership of a data folder on Linux: a listening Unix socket in the abstract namespace, named after the folder's
 * identity. Unlike mongod.lock it has no file that can be deleted, and the kernel frees the name when the owner
 * exits in any way, kill -9 included, so it can neither be lost while the owner runs nor outlive it.
 * Abstract names are scoped to a network namespace: two containers with separate network namespaces that share
 * one volume do not see each other's socket, and only mongod.lock stands between them there.
 */

export interface OwnerInfo {
  pid: number;
  uri?: string;
}

const ANSWER_TIMEOUT_MS = 2000;

/** Derived from st_dev and st_ino (as bigints: inode numbers can exceed 2^53), so two paths to one folder collide. */
export function ownerSocketName(dir: string): string {
  const { dev, ino } = fs.statSync(dir, { bigint: true });
  return `\0chatello-embedded-mongo:${dev}:${ino}`;
}

/** True when the abstract namespace exists on this platform (it is a Linux feature). */
export const ownerSocketSupported = (): boolean => process.platform === "linux";

export type ClaimResult = { kind: "owned"; server: net.Server } | { kind: "taken" } | { kind: "unavailable"; error: Error };

/**
 * Listens on the folder's socket. "taken": another process (or an earlier open in this one) owns the folder.
 * "unavailable": the socket could not be created for another reason (e.g. a sandbox forbidding it).
 * Whoever connects gets one JSON line with the owner's pid and engine URI.
 */
export function claimOwnerSocket(name: string, describe: () => OwnerInfo): Promise<ClaimResult> {
  const server = net.createServer((socket) => {
    socket.on("error", () => undefined); // the asker may hang up early; nothing to do about it
    socket.end(`${JSON.stringify(describe())}\n`);
  });
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      resolve(error.code === "EADDRINUSE" ? { kind: "taken" } : { kind: "unavailable", error });
    };
    server.once("error", onError);
    server.listen(name, () => {
      server.off("error", onError);
      // The folder stays owned as long as the server exists; it must not keep an otherwise finished process alive.
      server.unref();
      resolve({ kind: "owned", server });
    });
  });
}

/** Asks the owner of the socket who it is; null when it does not answer in time (e.g. its event loop is busy). */
export function askOwner(name: string): Promise<OwnerInfo | null> {
  return new Promise((resolve) => {
    let text = "";
    const socket = net.connect(name);
    const finish = (info: OwnerInfo | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(info);
    };
    const timer = setTimeout(() => finish(null), ANSWER_TIMEOUT_MS);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", () => finish(null));
    socket.on("end", () => finish(parseOwnerInfo(text)));
  });
}

function parseOwnerInfo(text: string): OwnerInfo | null {
  try {
    const parsed = JSON.parse(text) as Partial<OwnerInfo> | null;
    if (!parsed || typeof parsed.pid !== "number") return null;
    return typeof parsed.uri === "string" ? { pid: parsed.pid, uri: parsed.uri } : { pid: parsed.pid };
  } catch {
    return null;
  }
}

export function closeOwnerSocket(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
