import { createHash } from "node:crypto";
import { AdminRole } from "../../../src/modules/admins/admin.model";
import { bearer, licenseKeyHeader, startTestPlatform, TEST_APP_SECRET, type TestPlatform } from "../../support/platform";
import { dataOf } from "../../support/graphql-assertions";
import { dumpDatabase, unique } from "../../support/fixtures";

/** K1/K3: a copy of the database yields no working key; keys are found by keyed digest only. */

let platform: TestPlatform;
let owner: Record<string, string>;
const issuedKeys: string[] = [];
const licenseIds: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  owner = bearer(await platform.token(AdminRole.owner));
  const customer = dataOf(
    await platform.graphql<{ createCustomer: { id: string } }>(
      `mutation($email: String!) { createCustomer(input: { email: $email }) { id } }`,
      { email: `${unique("k1")}@example.com` },
      owner,
    ),
  ).createCustomer;
  for (const plan of ["starter", "pro", "agency", "founders"]) {
    const issued = dataOf(
      await platform.graphql<{ issueLicense: { key: string; license: { id: string } } }>(
        `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { key license { id } } }`,
        { input: { customerId: customer.id, plan } },
        owner,
      ),
    ).issueLicense;
    issuedKeys.push(issued.key);
    licenseIds.push(issued.license.id);
  }
  // Every audited key operation once, so the activity log has had its chance to leak: reveal, rotate (then reveal the new key).
  dataOf(await platform.graphql(`mutation($id: ID!) { revealLicenseKey(id: $id) }`, { id: licenseIds[0] }, owner));
  const rotated = dataOf(
    await platform.graphql<{ rotateLicenseKey: { key: string } }>(
      `mutation($id: ID!) { rotateLicenseKey(id: $id) { key } }`,
      { id: licenseIds[1] },
      owner,
    ),
  ).rotateLicenseKey;
  issuedKeys.push(rotated.key);
  dataOf(await platform.graphql(`mutation($id: ID!) { revealLicenseKey(id: $id) }`, { id: licenseIds[1] }, owner));
  // And a holder request with each current key (anything logged per request would be written now).
  for (const key of [issuedKeys[0], rotated.key, issuedKeys[2], issuedKeys[3]])
    dataOf(await platform.graphql(`{ viewer { kind } }`, {}, licenseKeyHeader(key)));
});

afterAll(async () => {
  await platform.stop();
});

/** The 128-bit body of a key: the four hex groups without dashes, which a sloppy store might keep. */
const hexBody = (key: string): string => key.slice(4).replace(/-/g, "");

describe("K1: no raw key in the database", () => {
  test("the licenses and activity_logs collections, dumped as JSON, contain none of the issued keys in any form", async () => {
    const dump = await dumpDatabase(platform.db, ["licenses", "activity_logs"]);
    expect(dump).toContain(licenseIds[0]); // the dump really holds these licenses
    for (const key of issuedKeys) {
      expect(dump).not.toContain(key);
      expect(dump.toLowerCase()).not.toContain(key.toLowerCase());
      expect(dump.toLowerCase()).not.toContain(hexBody(key).toLowerCase());
      expect(dump).not.toContain(Buffer.from(key).toString("base64"));
    }
  });

  test("no collection at all holds a raw key", async () => {
    const dump = await dumpDatabase(platform.db);
    for (const key of issuedKeys) expect(dump.toLowerCase()).not.toContain(hexBody(key).toLowerCase());
  });

  test("the stored key_digest is a keyed digest, not the key nor its plain SHA-256", async () => {
    const current = [issuedKeys[0], issuedKeys[4], issuedKeys[2], issuedKeys[3]];
    for (const [index, id] of licenseIds.entries()) {
      const stored = await platform.services.models.License.findById(id).lean().exec();
      if (!stored) throw new Error("license not stored");
      const key = current[index];
      expect(stored.key_digest).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.key_digest).not.toBe(key);
      expect(stored.key_digest).not.toBe(createHash("sha256").update(key).digest("hex"));
      expect(stored.key_digest).toBe(platform.services.secrets.digest(key));
      expect(stored.key_encrypted).not.toContain(hexBody(key));
      expect(stored.key_last4).toBe(key.slice(-4));
      expect(Object.keys(stored)).not.toContain("key");
    }
  });

  test("the same key under another APP_SECRET has another digest (the digest is keyed)", async () => {
    const other = await startTestPlatform({ env: { APP_SECRET: `${TEST_APP_SECRET}-other` } });
    try {
      expect(other.services.secrets.digest(issuedKeys[0])).not.toBe(platform.services.secrets.digest(issuedKeys[0]));
    } finally {
      await other.stop();
    }
  });
});

describe("K3: lookup is by digest equality", () => {
  test("overwriting a license's stored digest makes its key stop authenticating at once (no other lookup path)", async () => {
    const id = licenseIds[2];
    const key = issuedKeys[2];
    const stored = await platform.services.models.License.findById(id).lean().exec();
    if (!stored) throw new Error("license not stored");
    dataOf(await platform.graphql(`{ viewer { kind } }`, {}, licenseKeyHeader(key)));

    await platform.services.models.License.updateOne({ _id: id }, { $set: { key_digest: "0".repeat(64) } }).exec();
    const refused = await platform.graphql(`{ viewer { kind } }`, {}, licenseKeyHeader(key));
    await platform.services.models.License.updateOne({ _id: id }, { $set: { key_digest: stored.key_digest } }).exec();

    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(dataOf(await platform.graphql(`{ viewer { kind } }`, {}, licenseKeyHeader(key)))).toEqual({ viewer: { kind: "license" } });
  });
});

describe("admin tokens at rest", () => {
  test("the admins collection holds neither a token nor its random part", async () => {
    const created = dataOf(
      await platform.graphql<{ createAdminToken: { token: string } }>(
        `mutation { createAdminToken(input: { name: "k1", role: readonly }) { token } }`,
        {},
        owner,
      ),
    ).createAdminToken;
    const dump = await dumpDatabase(platform.db);
    expect(dump).not.toContain(created.token);
    expect(dump).not.toContain(created.token.slice(7));
  });
});
