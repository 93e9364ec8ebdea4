import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";

/**
 * A real MariaDB for the migration tests: the one MARIADB_URL names (a user that may create databases), or a
 * private server started here from Debian's mariadb-server package in a temporary data folder on a free port
 * (no system service). Each test file gets its own databases, with a password-protected user.
 */
export interface MariadbServer {
  host: string;
  port: number;
  /** A fresh, empty database and the URL of a user who may read it (with a password). */
  createDatabase(prefix: string): Promise<{ name: string; url: string; admin: mysql.Connection }>;
  stop(): Promise<void>;
}

export const MARIADB_USER = "chatello_v1";
export const MARIADB_PASSWORD = "v1-p4ss:w/rd";

const SEARCH_PATH = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"];

function binary(name: string): string {
  for (const dir of [...(process.env.PATH ?? "").split(":"), ...SEARCH_PATH]) {
    const candidate = path.join(dir, name);
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install Debian's mariadb-server (apt-get install mariadb-server) or set MARIADB_URL`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startMariadb(): Promise<MariadbServer> {
  const external = process.env.MARIADB_URL;
  if (external) {
    const url = new URL(external);
    const admin = {
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
    return serverAt(admin, async () => undefined);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "chatello-mariadb-"));
  const user = os.userInfo().username;
  const install = spawnSync(
    binary("mariadb-install-db"),
    ["--no-defaults", `--datadir=${dir}/data`, "--auth-root-authentication-method=normal", "--skip-test-db", `--user=${user}`],
    { encoding: "utf8" },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed:\n${install.stdout}${install.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary("mariadbd"),
    [
      "--no-defaults",
      `--datadir=${dir}/data`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--socket=${dir}/mariadb.sock`,
      `--pid-file=${dir}/mariadb.pid`,
      `--log-error=${dir}/error.log`,
      `--user=${user}`,
      "--skip-log-bin",
      "--skip-name-resolve",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_general_ci",
      "--innodb-buffer-pool-size=256M",
      // The tests' data is disposable: no fsync per commit.
      "--innodb-flush-log-at-trx-commit=0",
      "--max-connections=200",
    ],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const admin = { host: "127.0.0.1", port, user: "root", password: "" };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const probe = await mysql.createConnection(admin);
      await probe.end();
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`mariadbd did not start: ${(error as Error).message}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return serverAt(admin, stop);
}

async function serverAt(
  admin: { host: string; port: number; user: string; password: string },
  stopServer: () => Promise<void>,
): Promise<MariadbServer> {
  const root = await mysql.createConnection({ ...admin, multipleStatements: true });
  await root.query(`CREATE USER IF NOT EXISTS '${MARIADB_USER}'@'%' IDENTIFIED BY '${MARIADB_PASSWORD}'`);
  const opened: mysql.Connection[] = [root];
  return {
    host: admin.host,
    port: admin.port,
    async createDatabase(prefix) {
      const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      await root.query(`GRANT SELECT, SHOW VIEW ON \`${name}\`.* TO '${MARIADB_USER}'@'%'`);
      const connection = await mysql.createConnection({
        ...admin,
        database: name,
        multipleStatements: true,
        dateStrings: true,
        charset: "utf8mb4_general_ci",
      });
      opened.push(connection);
      const url = `mysql://${MARIADB_USER}:${encodeURIComponent(MARIADB_PASSWORD)}@${admin.host}:${admin.port}/${name}`;
      return { name, url, admin: connection };
    },
    async stop() {
      for (const connection of opened) await connection.end().catch(() => undefined);
      await stopServer();
    },
  };
}
