import { buildBareSchema } from "../../../src/graphql/schema";
import { AdminRole } from "../../../src/modules/admins/admin.model";
import { bearer, startTestPlatform, type TestPlatform } from "../../support/platform";
import { activityOf, adminIdOf, dataOf, expectFieldError, expectUnauthenticated } from "../../support/graphql-assertions";

/** Admin tokens: shown once, usable at once with their role, listed without the token, revocable at once. */

const CREATE = `mutation($input: CreateAdminTokenInput!) { createAdminToken(input: $input) { token admin { id name role tokenPrefix revokedAt } } }`;
const REVOKE = `mutation($id: ID!) { revokeAdminToken(id: $id) { id revokedAt } }`;

interface Created {
  token: string;
  admin: { id: string; name: string; role: string; tokenPrefix: string; revokedAt: string | null };
}

let platform: TestPlatform;
let owner: Record<string, string>;
let ownerActor: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  owner = bearer(await platform.token(AdminRole.owner));
  ownerActor = `admin:${await adminIdOf(platform, owner)}`;
});

afterAll(async () => {
  await platform.stop();
});

async function create(name: string, role: string): Promise<Created> {
  return dataOf(await platform.graphql<{ createAdminToken: Created }>(CREATE, { input: { name, role } }, owner)).createAdminToken;
}

describe("createAdminToken", () => {
  test("a support token has the chk_s_ shape, works at once with role support, and is audited", async () => {
    const created = await create("Helpdesk Giulia", "support");

    expect(created.token).toMatch(/^chk_s_[0-9A-Za-z]{32}$/);
    expect(created.admin).toEqual({
      id: expect.any(String),
      name: "Helpdesk Giulia",
      role: "support",
      tokenPrefix: created.token.slice(0, 10),
      revokedAt: null,
    });
    const viewer = dataOf(
      await platform.graphql<{ viewer: { kind: string; role: string; admin: { id: string } } }>(
        `{ viewer { kind role admin { id } } }`,
        {},
        bearer(created.token),
      ),
    ).viewer;
    expect(viewer).toEqual({ kind: "admin", role: "support", admin: { id: created.admin.id } });
    const [entry] = await activityOf(platform, owner, { action: "admin_token.created" });
    expect(entry).toEqual({
      action: "admin_token.created",
      actor: ownerActor,
      details: { adminId: created.admin.id, name: "Helpdesk Giulia", role: "support" },
    });
    expect(JSON.stringify(entry)).not.toContain(created.token.slice(6));
  });

  test.each([
    { role: "owner", initial: "o" },
    { role: "admin", initial: "a" },
    { role: "readonly", initial: "r" },
  ])("a $role token has the role initial $initial after chk_ and authenticates as $role", async ({ role, initial }) => {
    const created = await create(`role ${role}`, role);
    expect(created.token).toMatch(new RegExp(`^chk_${initial}_[0-9A-Za-z]{32}$`));
    expect(dataOf(await platform.graphql<{ viewer: { role: string } }>(`{ viewer { role } }`, {}, bearer(created.token))).viewer.role).toBe(
      role,
    );
  });

  test("two tokens are never equal", async () => {
    const [first, second] = await Promise.all([create("twin 1", "readonly"), create("twin 2", "readonly")]);
    expect(first.token).not.toBe(second.token);
  });

  test("an empty name is BAD_USER_INPUT", async () => {
    expectFieldError(await platform.graphql(CREATE, { input: { name: "", role: "support" } }, owner), "createAdminToken", "BAD_USER_INPUT");
  });
});

describe("admins", () => {
  test("lists every token with its role and prefix, never the token", async () => {
    const created = await create("Listed", "support");

    const admins = dataOf(
      await platform.graphql<{ admins: Array<{ id: string; name: string; role: string; tokenPrefix: string }> }>(
        `{ admins { id name role tokenPrefix } }`,
        {},
        owner,
      ),
    ).admins;

    expect(admins).toContainEqual({ id: created.admin.id, name: "Listed", role: "support", tokenPrefix: created.token.slice(0, 10) });
    expect(JSON.stringify(admins)).not.toContain(created.token);
    const schema = await buildBareSchema();
    const type = schema.getType("AdminToken");
    if (!type || !("getFields" in type)) throw new Error("no AdminToken type");
    expect(Object.keys(type.getFields()).filter((field) => /token|digest|secret/i.test(field))).toEqual(["tokenPrefix"]);
    const asked = await platform.graphql(`{ admins { token } }`, {}, owner);
    expect(asked.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("revokeAdminToken", () => {
  test("the revoked token gets 401 from then on; the revocation is audited; revoking again says it is already revoked", async () => {
    const created = await create("Leaving", "support");
    dataOf(await platform.graphql(`{ viewer { kind } }`, {}, bearer(created.token)));

    const revoked = dataOf(
      await platform.graphql<{ revokeAdminToken: { id: string; revokedAt: string | null } }>(REVOKE, { id: created.admin.id }, owner),
    ).revokeAdminToken;

    expect(revoked.id).toBe(created.admin.id);
    expect(revoked.revokedAt).toMatch(/Z$/);
    expectUnauthenticated(await platform.graphql(`{ viewer { kind } }`, {}, bearer(created.token)));
    expectUnauthenticated(await platform.graphql(`{ customers { totalCount } }`, {}, bearer(created.token)));
    const [entry] = await activityOf(platform, owner, { action: "admin_token.revoked" });
    expect(entry).toEqual({ action: "admin_token.revoked", actor: ownerActor, details: { adminId: created.admin.id, name: "Leaving" } });
    expectFieldError(
      await platform.graphql(REVOKE, { id: created.admin.id }, owner),
      "revokeAdminToken",
      "BAD_USER_INPUT",
      /already revoked/,
    );
    const listed = dataOf(
      await platform.graphql<{ admins: Array<{ id: string; revokedAt: string | null }> }>(`{ admins { id revokedAt } }`, {}, owner),
    ).admins;
    expect(listed.find((admin) => admin.id === created.admin.id)?.revokedAt).toBe(revoked.revokedAt);
  });

  test("revoking one token leaves the others working", async () => {
    const [kept, gone] = await Promise.all([create("Kept", "readonly"), create("Gone", "readonly")]);
    dataOf(await platform.graphql(REVOKE, { id: gone.admin.id }, owner));
    expect(dataOf(await platform.graphql<{ viewer: { role: string } }>(`{ viewer { role } }`, {}, bearer(kept.token))).viewer.role).toBe(
      "readonly",
    );
  });
});
