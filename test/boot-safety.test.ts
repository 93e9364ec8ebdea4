import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { ensureBuilt } from "./support/build";
import {
  killStartedProcesses,
  listeningLine,
  MAIN,
  startProcess,
  waitFor,
  waitForExit,
  type RunningProcess,
} from "./support/child-process";

// Each test starts the platform as a process, some twice; a busy CI machine needs more than the default 30 s.
jest.setTimeout(120_000);

// What the first starts of a platform may and may not do: production hands out no demo licenses and writes no
// secret to its output; a secret other than the database's is refused, naming the file or variable to fix.
const SECRET = "production-secret-0123456789abcdef0123456789";
const OTHER_SECRET = "another-secret-0123456789abcdef0123456789abcd";

let dataDir: string;
beforeAll(async () => {
  await ensureBuilt();
}, 120_000);
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "chatello-boot-"));
});
afterEach(async () => {
  killStartedProcesses();
  await rm(dataDir, { recursive: true, force: true });
});

async function stopped(running: RunningProcess): Promise<void> {
  running.child.kill("SIGTERM");
  expect((await waitForExit(running, 10_000)).code).toBe(0);
}

async function collectionCounts(engineUri: string): Promise<Record<string, number>> {
  const client = await mongoose.createConnection(engineUri, { dbName: "chatello_saas" }).asPromise();
  try {
    const counts: Record<string, number> = {};
    for (const name of ["plans", "customers", "licenses", "admins"]) counts[name] = await client.collection(name).countDocuments();
    return counts;
  } finally {
    await client.close();
  }
}

test("production on an empty database creates plans only: no demo licenses, no token, no secret in its output", async () => {
  const platform = startProcess([MAIN], {
    NODE_ENV: "production",
    APP_SECRET: SECRET,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    DATA_DIR: dataDir,
    EMBEDDED_DB_PORT: "0",
  });
  const { engineUri } = await listeningLine(platform);

  expect(await collectionCounts(engineUri)).toEqual({ plans: 4, customers: 0, licenses: 0, admins: 0 });
  const output = platform.stdout() + platform.stderr();
  expect(output).not.toMatch(/CHA-[0-9A-F]{8}/);
  expect(output).not.toMatch(/chk_[oasr]_/);
  expect(output).not.toContain(SECRET);
  expect(output).toContain("admin:token create --role owner");
  await stopped(platform);
});

test("development on an empty database still gets its demo data (the quickstart), shown on stderr, never in the log", async () => {
  const platform = startProcess([MAIN], { NODE_ENV: "development", PORT: "0", LOG_LEVEL: "info", DATA_DIR: dataDir });
  const { baseUrl, engineUri } = await listeningLine(platform);
  expect(await collectionCounts(engineUri)).toMatchObject({ customers: 4, licenses: 4, admins: 1 });

  // The first-start notice is plain text on stderr; stdout is the JSON log stream a collector ships away.
  const banner = await waitFor("first-start notice", platform, () =>
    platform.stderr().includes("More tokens:") ? platform.stderr() : undefined,
  );
  const token = /chk_o_[0-9A-Za-z]{32}/.exec(banner)?.[0] ?? "";
  const keys = banner.match(/CHA-[0-9A-F]{8}(?:-[0-9A-F]{8}){3}/g) ?? [];
  expect(keys).toHaveLength(4);
  // Both work, and each request is logged by the last 4 of its key or by its token's id.
  const holder = await fetch(`${baseUrl}/api/validate`, { method: "POST", headers: { "x-license-key": keys[1] ?? "" } });
  expect(holder.status).toBe(200);
  const admin = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "{ viewer { kind } }" }),
  });
  expect(await admin.json()).toEqual({ data: { viewer: { kind: "admin" } } });
  await stopped(platform);

  const secret = (await readFile(path.join(dataDir, "app-secret"), "utf8")).trim();
  const logLines = platform
    .stdout()
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const requests = logLines.filter((line) => line["msg"] === "request");
  expect(requests).toEqual([
    expect.objectContaining({ route: "/api/validate", status: 200, key_last4: keys[1]?.slice(-4) }),
    expect.objectContaining({ route: "/graphql", status: 200, admin_token_id: expect.stringMatching(/^[0-9a-f]{24}$/) }),
  ]);
  for (const hidden of [token, secret, ...keys]) expect(platform.stdout()).not.toContain(hidden);
});

test("a deleted app-secret is refused in one line naming the file, and no new secret file is left behind", async () => {
  const env = { NODE_ENV: "development", PORT: "0", LOG_LEVEL: "info", DATA_DIR: dataDir };
  await stopped(await startedPlatform(env));
  const secretFile = path.join(dataDir, "app-secret");
  await rm(secretFile);

  const again = startProcess([MAIN], env);
  expect((await waitForExit(again, 15_000)).code).toBe(1);
  expect(again.stderr().trimEnd().split("\n")).toEqual([
    `Cannot start: ${secretFile} was missing, and this database was made with another secret (with another secret every stored license key would be unknown): restore ${secretFile} from a backup, or set APP_SECRET to the original secret`,
  ]);
  await expect(stat(secretFile)).rejects.toThrow(/ENOENT/);
});

test("a changed app-secret file, or another APP_SECRET, is refused in one line", async () => {
  const env = { NODE_ENV: "development", PORT: "0", LOG_LEVEL: "info", DATA_DIR: dataDir };
  await stopped(await startedPlatform(env));
  const secretFile = path.join(dataDir, "app-secret");
  const original = await readFile(secretFile, "utf8");

  const withVariable = startProcess([MAIN], { ...env, APP_SECRET: OTHER_SECRET });
  expect((await waitForExit(withVariable, 15_000)).code).toBe(1);
  expect(withVariable.stderr().trimEnd().split("\n")).toEqual([
    expect.stringMatching(
      /^Cannot start: APP_SECRET is not the secret this database was made with .*: set APP_SECRET to the original secret$/,
    ),
  ]);
  expect(withVariable.stderr()).not.toContain(OTHER_SECRET);

  await rm(secretFile);
  await writeFile(secretFile, `${OTHER_SECRET}\n`, { mode: 0o600 });
  const withFile = startProcess([MAIN], env);
  expect((await waitForExit(withFile, 15_000)).code).toBe(1);
  expect(withFile.stderr()).toContain(`Cannot start: ${secretFile} does not hold the secret this database was made with`);
  // A file the operator put there is theirs: it is reported, never deleted.
  expect(await readFile(secretFile, "utf8")).toBe(`${OTHER_SECRET}\n`);

  await rm(secretFile);
  await writeFile(secretFile, original, { mode: 0o600 });
  await stopped(await startedPlatform(env));
});

async function startedPlatform(env: Record<string, string>): Promise<RunningProcess> {
  const platform = startProcess([MAIN], env);
  await listeningLine(platform);
  return platform;
}
