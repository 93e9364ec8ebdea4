import { cliOn, jsonOf, type CliResult } from "../support/cli-process";
import { bearer } from "../support/platform";
import { startSharedDatabase, type PlatformProcess, type SharedDatabase } from "../support/platform-process";

// Each CLI run is a Node process that connects to the database: a few seconds each on a loaded machine.
jest.setTimeout(180_000);

let shared: SharedDatabase;
let platform: PlatformProcess;
let cli: (...args: string[]) => Promise<CliResult>;

beforeAll(async () => {
  shared = await startSharedDatabase();
  platform = await shared.startPlatform();
  cli = cliOn(shared);
}, 60_000);

afterAll(async () => {
  await shared?.stop();
});

interface Listed {
  id: string;
  name: string;
  role: string;
  tokenPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

async function create(role: string, name: string): Promise<{ token: string; id: string }> {
  const result = await cli("--json", "admin:token", "create", "--role", role, "--name", name);
  expect(result.status).toBe(0);
  return jsonOf<{ token: string; id: string }>(result);
}

const viewer = async (token: string): Promise<{ status: number; body: unknown }> => {
  const response = await platform.graphql("{ viewer { kind role } }", {}, bearer(token));
  return { status: response.status, body: response.data ?? response.errors?.[0]?.extensions?.code };
};

test("admin:token list shows id, name, role, created, last used and revoked, never a token or its digest", async () => {
  const [used, unused] = await Promise.all([create("support", "helpdesk"), create("readonly", "grafana")]);
  expect(await viewer(used.token)).toEqual({ status: 200, body: { viewer: { kind: "admin", role: "support" } } });

  const listed = await cli("--json", "admin:token", "list");
  expect(listed.status).toBe(0);
  const tokens = jsonOf<{ ok: true; tokens: Listed[] }>(listed).tokens;
  const helpdesk = tokens.find((token) => token.id === used.id);
  expect(helpdesk).toEqual({
    id: used.id,
    name: "helpdesk",
    role: "support",
    tokenPrefix: used.token.slice(0, 10),
    createdAt: expect.stringMatching(/Z$/) as unknown,
    lastUsedAt: expect.stringMatching(/Z$/) as unknown,
    revokedAt: null,
  });
  expect(tokens.find((token) => token.id === unused.id)).toMatchObject({ name: "grafana", role: "readonly", lastUsedAt: null });

  const text = await cli("admin:token", "list");
  expect(text.stdout).toMatch(new RegExp(`${used.id}\\s+support\\s+chk_s_\\w{4}…\\s+"helpdesk"\\s+created \\S+Z, last used \\S+Z`));
  expect(text.stdout).toMatch(new RegExp(`${unused.id}\\s+readonly.*last used never`));
  const digests = (await shared.services.models.Admin.find({}, { token_digest: 1 }).lean().exec()).map((admin) => admin.token_digest);
  for (const output of [listed.stdout, text.stdout]) {
    expect(output).not.toContain(used.token);
    expect(output).not.toContain(unused.token);
    for (const digest of digests) expect(output).not.toContain(digest);
    expect(output).not.toContain("digest");
  }
});

test("admin:token revoke: the token stops working on GraphQL at once; revoking twice says it is already revoked", async () => {
  const [leaving, staying] = await Promise.all([create("admin", "leaving"), create("admin", "staying")]);
  expect((await viewer(leaving.token)).status).toBe(200);

  const revoked = await cli("admin:token", "revoke", leaving.id);
  expect(revoked.status).toBe(0);
  expect(revoked.stdout).toBe(`Revoked the admin token "leaving" (id ${leaving.id}); it no longer works.\n`);
  expect(await viewer(leaving.token)).toEqual({ status: 401, body: "UNAUTHENTICATED" });
  expect((await viewer(staying.token)).status).toBe(200);

  const again = await cli("admin:token", "revoke", leaving.id);
  expect(again.status).toBe(1);
  expect(again.stderr).toMatch(/^Error: The admin token is already revoked \(since \S+Z\)\n$/);
  const againJson = await cli("--json", "admin:token", "revoke", leaving.id);
  expect(jsonOf(againJson)).toMatchObject({
    ok: false,
    code: "BAD_USER_INPUT",
    error: expect.stringContaining("already revoked") as unknown,
  });

  const listed = jsonOf<{ tokens: Listed[] }>(await cli("--json", "admin:token", "list")).tokens;
  expect(listed.find((token) => token.id === leaving.id)?.revokedAt).toMatch(/Z$/);
});

test("admin:token revoke refuses an unknown id, a malformed id and a token pasted in place of its id, without echoing it", async () => {
  const unknown = await cli("admin:token", "revoke", "0123456789abcdef01234567");
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toBe("Error: Admin token not found\n");

  const malformed = await cli("admin:token", "revoke", "12345");
  expect(malformed.status).toBe(1);
  expect(malformed.stderr).toBe("Error: An admin token id is 24 hexadecimal characters, as `admin:token list` shows it\n");

  const { token } = await create("support", "pasted");
  const pasted = await cli("--json", "admin:token", "revoke", token);
  expect(pasted.status).toBe(1);
  expect(pasted.stdout).not.toContain(token);
  expect(jsonOf(pasted)).toEqual({
    ok: false,
    error: "That is a token, not its id: find its id with `admin:token list`",
    code: "BAD_USER_INPUT",
  });
  expect((await viewer(token)).status).toBe(200);
});
