import { AdminRole } from "../../../src/modules/admins/admin.model";
import { bearer, startTestPlatform, type TestPlatform } from "../../support/platform";
import { dataOf, expectFieldError } from "../../support/graphql-assertions";
import { unique } from "../../support/fixtures";

/** G1: unexpected errors reach clients as "Internal server error", without details or stack traces. */

let platform: TestPlatform;
let admin: Record<string, string>;
let customerId: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = bearer(await platform.token(AdminRole.admin));
  customerId = dataOf(
    await platform.graphql<{ createCustomer: { id: string } }>(
      `mutation($email: String!) { createCustomer(input: { email: $email }) { id } }`,
      { email: `${unique("err")}@example.com` },
      admin,
    ),
  ).createCustomer.id;
});

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(async () => {
  await platform.stop();
});

describe("masking of unexpected errors", () => {
  test("a raw driver error (E11000 with a key in it) becomes INTERNAL_SERVER_ERROR 'Internal server error', without stacktrace or text", async () => {
    const secret = "CHA-DEADBEEF-00000000-11111111-22222222";
    // The only spy in these tests: it stands for an internal failure that cannot be caused from outside.
    jest
      .spyOn(platform.services.customers, "get")
      .mockRejectedValueOnce(
        new Error(`E11000 duplicate key error collection: chatello_saas.licenses index: key_digest_1 dup key: { key: "${secret}" }`),
      );

    const response = await platform.graphql(`query($id: ID!) { customer(id: $id) { id email } }`, { id: customerId }, admin);

    expect(response.errors).toEqual([
      { message: "Internal server error", locations: expect.any(Array), path: ["customer"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
    ]);
    expect(response.data ?? null).toBeNull();
    const body = JSON.stringify(response);
    for (const leak of ["E11000", "duplicate key", secret, "DEADBEEF", "stacktrace", "at ", ".ts:"]) expect(body).not.toContain(leak);
  });

  test("the next call, without the failure, works again (the mock was one-off)", async () => {
    const response = await platform.graphql<{ customer: { id: string } }>(
      `query($id: ID!) { customer(id: $id) { id } }`,
      { id: customerId },
      admin,
    );
    expect(dataOf(response).customer.id).toBe(customerId);
  });

  test("domain errors keep their code and message, without a stacktrace", async () => {
    const response = await platform.graphql(`query($id: ID!) { customer(id: $id) { id } }`, { id: "0123456789abcdef01234567" }, admin);
    const error = expectFieldError(response, "customer", "NOT_FOUND", /^Customer not found$/);
    expect(Object.keys(error.extensions ?? {})).toEqual(["code"]);
  });

  test("parse and validation errors carry no stacktrace", async () => {
    for (const query of [`{ customer(id: "x" { id } }`, `{ customer(id: "0123456789abcdef01234567") { nope } }`]) {
      const response = await platform.graphql(query, {}, admin);
      expect(response.status).toBe(400);
      expect(response.errors?.length).toBeGreaterThan(0);
      for (const error of response.errors ?? []) expect(Object.keys(error.extensions ?? {})).toEqual(["code"]);
    }
  });
});
