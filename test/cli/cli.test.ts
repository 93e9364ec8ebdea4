import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

// The compiled CLI and server as real processes (the test command builds before Jest runs).
const ROOT = path.join(__dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "cli", "main.js");
const MAIN = path.join(ROOT, "dist", "main.js");
const KEY = /CHA-[0-9A-F]{8}(?:-[0-9A-F]{8}){3}/g;
const TOKEN = /chk_o_[0-9A-Za-z]{32}/;

let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "chatello-cli-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, LOG_LEVEL: "warn", ...extra };
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: env(), encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function graphql(
  baseUrl: string,
  query: string,
  headers: Record<string, string>,
): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

describe("npm run cli", () => {
  test("setup test, init (idempotent), sample (idempotent) and admin:token create, in text and --json", () => {
    const empty = cli("setup", "test");
    expect(empty.status).toBe(0);
    expect(empty.stdout).toMatch(/Connected to the embedded engine at mongodb:\/\/127\.0\.0\.1:\d+/);
    expect(empty.stdout).toContain("No plans yet: run `setup init`.");

    const init = cli("--json", "setup", "init");
    expect(init.status).toBe(0);
    expect(JSON.parse(init.stdout)).toEqual({
      ok: true,
      plansInserted: ["starter", "pro", "agency", "founders"],
      countersRepaired: { seats: 0, lifetimeSold: 0 },
    });
    expect(JSON.parse(cli("--json", "setup", "init").stdout)).toEqual({
      ok: true,
      plansInserted: [],
      countersRepaired: { seats: 0, lifetimeSold: 0 },
    });

    const sample = cli("setup", "sample");
    expect(sample.status).toBe(0);
    const keys = sample.stdout.match(KEY) ?? [];
    expect(keys).toHaveLength(4);
    // Again: nothing new, the same keys.
    expect(cli("setup", "sample").stdout.match(KEY)).toEqual(keys);

    const report = JSON.parse(cli("--json", "setup", "test").stdout) as { collections: Record<string, number>; plans: string[] };
    expect(report.plans).toEqual(["starter", "pro", "agency", "founders"]);
    expect(report.collections).toMatchObject({ customers: 4, licenses: 4, plans: 4 });

    const created = JSON.parse(cli("--json", "admin:token", "create", "--role", "support", "--name", "helpdesk").stdout) as {
      token: string;
      role: string;
    };
    expect(created.role).toBe("support");
    expect(created.token).toMatch(/^chk_s_[0-9A-Za-z]{32}$/);
  });

  test("license:issue issues through the same service: Founders seats are capped here too", () => {
    expect(cli("setup", "init").status).toBe(0);
    const issued = JSON.parse(cli("--json", "license:issue", "--email", "Founder@Example.com", "--plan", "founders").stdout) as {
      key: string;
      plan: string;
    };
    expect(issued.key).toMatch(/^CHA-[0-9A-F]{8}(?:-[0-9A-F]{8}){3}$/);
    const seatsLeft = JSON.parse(cli("--json", "setup", "test").stdout) as { collections: Record<string, number> };
    expect(seatsLeft.collections.licenses).toBe(1);

    const unknownPlan = cli("license:issue", "--email", "x@example.com", "--plan", "platinum");
    expect(unknownPlan.status).toBe(1);
    expect(unknownPlan.stderr).toContain('Plan "platinum" not found');
  });

  test("a bad argument is one clear error and exit 1", () => {
    const result = cli("admin:token", "create", "--role", "emperor", "--name", "x");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("choose one of owner, admin, support, readonly");
  });

  test("the first start of an empty database prints an owner token and demo keys that work; the CLI attaches to the running platform", async () => {
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: env({ PORT: "0", LOG_LEVEL: "info" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    // The first-start notice (token, demo keys) is plain text on stderr, away from the JSON log on stdout.
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const address = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
        if (address && stderr.includes("More tokens:")) {
          clearInterval(timer);
          resolve(address);
        }
        if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`platform exited: ${stdout}`));
        }
      }, 50);
    });
    const ownerToken = TOKEN.exec(stderr)?.[0] as string;
    const keys = stderr.match(KEY) ?? [];
    expect(keys).toHaveLength(4);
    expect(stderr).toContain(`GraphQL playground: ${baseUrl}/playground`);
    expect(stderr).toContain(`Admin dashboard: ${baseUrl}/admin/ (sign in with the owner token)`);

    const viewer = await graphql(baseUrl, "{ viewer { kind role } }", { authorization: `Bearer ${ownerToken}` });
    expect(viewer.data).toEqual({ viewer: { kind: "admin", role: "owner" } });
    const holder = await graphql(baseUrl, "{ viewer { kind license { plan { name } } } }", { "x-license-key": keys[1] });
    expect(holder.data).toEqual({ viewer: { kind: "license", license: { plan: { name: "pro" } } } });

    // The CLI uses the running platform's engine (recorded in the data folder) instead of failing on the lock.
    const created = spawnSync(process.execPath, [CLI, "--json", "admin:token", "create", "--role", "readonly", "--name", "auditor"], {
      cwd: ROOT,
      env: env(),
      encoding: "utf8",
    });
    expect(created.status).toBe(0);
    const token = (JSON.parse(created.stdout) as { token: string }).token;
    expect((await graphql(baseUrl, "{ viewer { role } }", { authorization: `Bearer ${token}` })).data).toEqual({
      viewer: { role: "readonly" },
    });
  });
});
