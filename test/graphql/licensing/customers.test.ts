import { AdminRole } from "../../../src/modules/admins/admin.model";
import { PaymentStatus } from "../../../src/modules/payments/payment.model";
import { bearer, startTestPlatform, type TestPlatform } from "../../support/platform";
import { activityOf, adminIdOf, dataOf, expectFieldError } from "../../support/graphql-assertions";
import { unique } from "../../support/fixtures";

interface CustomerView {
  id: string;
  email: string;
  name: string | null;
  company: string | null;
  country: string | null;
  status: string;
}

const CUSTOMER_FIELDS = `id email name company country status`;
const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ${CUSTOMER_FIELDS} } }`;
const PAGE = `query($filter: CustomerFilterInput, $first: Int, $after: String) {
  customers(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id email } } } }`;

interface Page {
  customers: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string; email: string } }>;
  };
}

let platform: TestPlatform;
let admin: Record<string, string>;

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = bearer(await platform.token(AdminRole.admin));
});

afterAll(async () => {
  await platform.stop();
});

async function createCustomer(input: Record<string, unknown>): Promise<CustomerView> {
  return dataOf(await platform.graphql<{ createCustomer: CustomerView }>(CREATE, { input }, admin)).createCustomer;
}

describe("createCustomer", () => {
  test("stores the email lower-cased and the other fields as given, audited with the admin as actor", async () => {
    const local = unique("Mixed.Case");
    const created = await createCustomer({ email: `${local}@Example.COM`, name: "Anna Verdi", company: "Verdi Srl", country: "IT" });

    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      email: `${local.toLowerCase()}@example.com`,
      name: "Anna Verdi",
      company: "Verdi Srl",
      country: "IT",
      status: "active",
    });
    const stored = await platform.services.models.Customer.findById(created.id).lean().exec();
    expect(stored?.email).toBe(`${local.toLowerCase()}@example.com`);
    const log = await activityOf(platform, admin, { customerId: created.id });
    expect(log).toEqual([expect.objectContaining({ action: "customer.created", actor: `admin:${await adminIdOf(platform, admin)}` })]);
  });

  test("a second customer with the same email in another case is a CONFLICT", async () => {
    const email = `${unique("dup")}@example.com`;
    await createCustomer({ email });

    const response = await platform.graphql(CREATE, { input: { email: email.toUpperCase() } }, admin);

    expectFieldError(response, "createCustomer", "CONFLICT", `A customer with email ${email} already exists`);
    expect(await platform.services.models.Customer.countDocuments({ email }).exec()).toBe(1);
  });

  test.each([
    ["an invalid email", { email: "not-an-email" }, /^Invalid input: email must be a valid email address$/],
    [
      "an unknown country",
      { email: "valid@example.com", country: "ZZ" },
      /^Invalid input: country must be an ISO 3166-1 alpha-2 code such as IT$/,
    ],
    ["a country name instead of a code", { email: "valid2@example.com", country: "Italy" }, /country must be an ISO 3166-1 alpha-2 code/],
  ])("%s is BAD_USER_INPUT with a clear message, and nothing is stored", async (_case, input, message) => {
    const before = await platform.services.models.Customer.countDocuments().exec();
    expectFieldError(await platform.graphql(CREATE, { input }, admin), "createCustomer", "BAD_USER_INPUT", message);
    expect(await platform.services.models.Customer.countDocuments().exec()).toBe(before);
  });

  test("a lower-case country code is stored in its canonical upper-case form", async () => {
    const created = await createCustomer({ email: `${unique("country")}@example.com`, country: "it" });
    expect(created.country).toBe("IT");
  });
});

describe("updateCustomer and setCustomerStatus", () => {
  test("updates only the fields given, lower-cases a new email, and is audited", async () => {
    const created = await createCustomer({ email: `${unique("upd")}@example.com`, name: "Before", company: "Kept" });
    const newLocal = unique("NEW");

    const response = await platform.graphql<{ updateCustomer: CustomerView }>(
      `mutation($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) { ${CUSTOMER_FIELDS} } }`,
      { id: created.id, input: { name: "After", email: `${newLocal}@Example.com` } },
      admin,
    );

    expect(dataOf(response).updateCustomer).toEqual({ ...created, name: "After", email: `${newLocal.toLowerCase()}@example.com` });
    const log = await activityOf(platform, admin, { customerId: created.id });
    expect(log[0]).toEqual(expect.objectContaining({ action: "customer.updated", actor: `admin:${await adminIdOf(platform, admin)}` }));
  });

  test("taking another customer's email (in another case) is a CONFLICT; an invalid country is BAD_USER_INPUT; an unknown id NOT_FOUND", async () => {
    const first = await createCustomer({ email: `${unique("taken")}@example.com` });
    const second = await createCustomer({ email: `${unique("other")}@example.com` });
    const update = `mutation($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) { id email } }`;

    expectFieldError(
      await platform.graphql(update, { id: second.id, input: { email: first.email.toUpperCase() } }, admin),
      "updateCustomer",
      "CONFLICT",
      /already exists/,
    );
    expectFieldError(
      await platform.graphql(update, { id: second.id, input: { country: "XX" } }, admin),
      "updateCustomer",
      "BAD_USER_INPUT",
      /country must be an ISO 3166-1 alpha-2 code/,
    );
    expectFieldError(
      await platform.graphql(update, { id: "0123456789abcdef01234567", input: { name: "x" } }, admin),
      "updateCustomer",
      "NOT_FOUND",
    );
    expectFieldError(
      await platform.graphql(update, { id: "not-an-id", input: { name: "x" } }, admin),
      "updateCustomer",
      "BAD_USER_INPUT",
      /id is not a valid id/,
    );
    const stored = await platform.services.models.Customer.findById(second.id).lean().exec();
    expect(stored?.email).toBe(second.email);
  });

  test("setCustomerStatus changes the status and records from/to", async () => {
    const created = await createCustomer({ email: `${unique("status")}@example.com` });

    const response = await platform.graphql<{ setCustomerStatus: { status: string } }>(
      `mutation($id: ID!) { setCustomerStatus(id: $id, status: suspended) { status } }`,
      { id: created.id },
      admin,
    );

    expect(dataOf(response).setCustomerStatus.status).toBe("suspended");
    const log = await activityOf(platform, admin, { customerId: created.id });
    expect(log[0]).toEqual({
      action: "customer.status_changed",
      actor: `admin:${await adminIdOf(platform, admin)}`,
      details: { from: "active", to: "suspended" },
    });
  });
});

describe("customers(filter, first, after)", () => {
  const company = unique("Pagination Co");
  let created: CustomerView[] = [];

  beforeAll(async () => {
    created = [];
    for (let i = 0; i < 25; i++)
      created.push(await createCustomer({ email: `page-${String(i).padStart(2, "0")}-${unique("p")}@example.com`, company }));
  });

  test("25 customers in pages of 10 come as 10 + 10 + 5, newest first, without duplicates", async () => {
    const pages: Page["customers"][] = [];
    let after: string | null = null;
    do {
      const page: Page["customers"] = dataOf(
        await platform.graphql<Page>(PAGE, { filter: { search: company }, first: 10, after }, admin),
      ).customers;
      pages.push(page);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null && pages.length < 5);

    expect(pages.map((page) => page.edges.length)).toEqual([10, 10, 5]);
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect(pages.map((page) => page.totalCount)).toEqual([25, 25, 25]);
    for (const page of pages) expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1].cursor);
    const ids = pages.flatMap((page) => page.edges.map((edge) => edge.node.id));
    expect(new Set(ids).size).toBe(25);
    expect(ids).toEqual(created.map((customer) => customer.id).reverse());
  });

  test("status and search filter together; search is case-insensitive and matches email, name or company", async () => {
    const suspended = created.slice(0, 3);
    for (const customer of suspended) {
      dataOf(
        await platform.graphql(`mutation($id: ID!) { setCustomerStatus(id: $id, status: suspended) { id } }`, { id: customer.id }, admin),
      );
    }

    const bySearch = dataOf(await platform.graphql<Page>(PAGE, { filter: { search: company.toUpperCase() }, first: 100 }, admin)).customers;
    const both = dataOf(
      await platform.graphql<Page>(PAGE, { filter: { search: company, status: "suspended" }, first: 100 }, admin),
    ).customers;
    const byEmail = dataOf(
      await platform.graphql<Page>(PAGE, { filter: { search: created[7].email.slice(0, 8) }, first: 100 }, admin),
    ).customers;

    expect(bySearch.totalCount).toBe(25);
    expect(both.totalCount).toBe(3);
    expect(both.edges.map((edge) => edge.node.id).sort()).toEqual(suspended.map((customer) => customer.id).sort());
    expect(byEmail.edges.map((edge) => edge.node.id)).toEqual([created[7].id]);
  });

  test.each([
    ["first: 101", { first: 101 }, /first must be between 1 and 100/],
    ["first: 0", { first: 0 }, /first must be between 1 and 100/],
    ["a cursor that was never issued", { after: "bm90LWEtY3Vyc29y" }, /Invalid cursor/],
  ])("%s is BAD_USER_INPUT", async (_case, variables, message) => {
    expectFieldError(await platform.graphql(PAGE, variables, admin), "customers", "BAD_USER_INPUT", message);
  });
});

describe("Customer.licenses and Customer.payments", () => {
  test("list the customer's own licenses (newest first) and payments", async () => {
    const customer = await createCustomer({ email: `${unique("owner")}@example.com` });
    const other = await createCustomer({ email: `${unique("bystander")}@example.com` });
    const issue = `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { license { id } } }`;
    const ids: string[] = [];
    for (const plan of ["starter", "pro"]) {
      ids.push(
        dataOf(
          await platform.graphql<{ issueLicense: { license: { id: string } } }>(issue, { input: { customerId: customer.id, plan } }, admin),
        ).issueLicense.license.id,
      );
    }
    dataOf(await platform.graphql(issue, { input: { customerId: other.id, plan: "pro" } }, admin));
    await platform.services.models.Payment.create({
      customer_id: customer.id,
      license_id: ids[1],
      amount_cents: 799,
      currency: "EUR",
      status: PaymentStatus.completed,
      provider: "test",
      transaction_id: unique("tx"),
    });
    await platform.services.models.Payment.create({
      customer_id: other.id,
      amount_cents: 100,
      currency: "EUR",
      status: PaymentStatus.completed,
      provider: "test",
      transaction_id: unique("tx"),
    });

    const response = await platform.graphql<{
      customer: {
        licenses: Array<{ id: string; plan: { name: string } }>;
        payments: Array<{ amount: string; amountCents: number; license: { id: string } | null }>;
      };
    }>(
      `query($id: ID!) { customer(id: $id) { licenses { id plan { name } } payments { amount amountCents license { id } } } }`,
      { id: customer.id },
      admin,
    );

    const { licenses, payments } = dataOf(response).customer;
    expect(licenses).toEqual([
      { id: ids[1], plan: { name: "pro" } },
      { id: ids[0], plan: { name: "starter" } },
    ]);
    expect(payments).toEqual([{ amount: "7.99", amountCents: 799, license: { id: ids[1] } }]);
  });

  test("a payment recorded without metadata reads back with metadata {} (not an internal error)", async () => {
    const customer = await createCustomer({ email: `${unique("meta")}@example.com` });
    await platform.services.models.Payment.create({
      customer_id: customer.id,
      amount_cents: 2900,
      currency: "EUR",
      status: PaymentStatus.completed,
      provider: "test",
      transaction_id: unique("tx"),
    });

    const response = await platform.graphql<{ customer: { payments: Array<{ amountCents: number; metadata: unknown }> } }>(
      `query($id: ID!) { customer(id: $id) { payments { amountCents metadata } } }`,
      { id: customer.id },
      admin,
    );

    expect(dataOf(response).customer.payments).toEqual([{ amountCents: 2900, metadata: {} }]);
  });
});
