import { AdminRole } from "../../src/modules/admins/admin.model";
import { AdjustmentAction, AdjustmentStatus } from "../../src/modules/payments/payment-adjustment.model";
import type { RecordPayment } from "../../src/modules/payments/ledger.service";
import { activityOf, adminIdOf, dataOf, expectFieldError } from "../support/graphql-assertions";
import { newLicense, snapshotDatabase, unique, type Issued } from "../support/fixtures";
import { bearer, startTestPlatform, type TestPlatform } from "../support/platform";

/**
 * The payments ledger through GraphQL, over HTTP: filters by date range and status, totals per currency (expected
 * values worked out by hand from the payments below), adjustments linked to their payment, recordManualPayment.
 */

let platform: TestPlatform;
let admin: Record<string, string>;
let alice: Issued;
let bob: Issued;
const ids: Record<string, string> = {};

interface PaymentNode {
  id: string;
  status: string;
  amountCents: number;
  refundedCents: number;
  paidAt: string;
  provider: string;
  adjustments: Array<{ adjustmentId: string; action: string; amountCents: number; appliedCents: number; payment: { id: string } }>;
}

const PAYMENTS = /* GraphQL */ `
  query ($filter: PaymentFilterInput) {
    payments(filter: $filter, first: 50) {
      totalCount
      edges {
        node {
          id
          status
          amountCents
          refundedCents
          paidAt
          provider
          adjustments {
            adjustmentId
            action
            amountCents
            appliedCents
            payment {
              id
            }
          }
        }
      }
    }
  }
`;

const TOTALS = /* GraphQL */ `
  query ($filter: PaymentFilterInput) {
    paymentTotals(filter: $filter) {
      currency
      count
      failedCount
      grossCents
      refundedCents
      netCents
      taxCents
      feeCents
    }
  }
`;

async function payments(filter: Record<string, unknown>): Promise<PaymentNode[]> {
  const response = await platform.graphql<{ payments: { edges: Array<{ node: PaymentNode }> } }>(PAYMENTS, { filter }, admin);
  return dataOf(response).payments.edges.map((edge) => edge.node);
}

function record(name: string, issued: Issued, fields: Partial<RecordPayment> & { paidAt: Date }): Promise<void> {
  const input: RecordPayment = {
    provider: "paddle",
    transactionId: unique(`txn-${name}`),
    customerId: issued.customer._id,
    licenseId: issued.license._id,
    amountCents: 0,
    currency: "EUR",
    cause: unique("evt"),
    ...fields,
  };
  return platform.services.ledger.recordPayment(input).then(({ payment }) => {
    ids[name] = payment._id.toHexString();
  });
}

async function refund(name: string, amountCents: number): Promise<void> {
  const payment = await platform.services.models.Payment.findById(ids[name]).lean().exec();
  if (!payment) throw new Error(`no payment ${name}`);
  await platform.services.ledger.applyAdjustment({
    provider: "paddle",
    adjustmentId: unique(`adj-${name}`),
    transactionId: payment.transaction_id,
    action: AdjustmentAction.refund,
    amountCents,
    status: AdjustmentStatus.approved,
    cause: unique("evt"),
  });
}

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = bearer(await platform.token(AdminRole.admin));
  alice = await newLicense(platform, "pro");
  bob = await newLicense(platform, "pro");
  await record("p1", alice, { amountCents: 10000, taxCents: 1900, feeCents: 500, paidAt: new Date("2025-01-10T10:00:00Z") });
  await refund("p1", 2500);
  await record("p2", alice, {
    amountCents: 65215,
    taxCents: 5315,
    feeCents: 3311,
    currency: "USD",
    paidAt: new Date("2025-02-05T00:00:00Z"),
  });
  await record("p3", bob, { amountCents: 4900, feeCents: 245, paidAt: new Date("2025-02-20T12:00:00Z") });
  await refund("p3", 4900);
  const failed = await platform.services.ledger.recordFailedPayment({
    provider: "paddle",
    transactionId: unique("txn-p4"),
    customerId: bob.customer._id,
    licenseId: bob.license._id,
    amountCents: 4900,
    currency: "EUR",
    paidAt: new Date("2025-02-21T00:00:00Z"),
    failureReason: "declined",
    cause: unique("evt"),
  });
  ids.p4 = failed.payment._id.toHexString();
  await record("p5", bob, { amountCents: 2000, taxCents: 380, feeCents: 100, paidAt: new Date("2025-03-01T00:00:00Z") });
  // As the v1 importer writes it: no paid_at, refunded_cents, tax or fee; its date is created_at.
  const legacy = await platform.db.connection.collection("payments").insertOne({
    customer_id: alice.customer._id,
    license_id: alice.license._id,
    amount_cents: 3000,
    currency: "EUR",
    status: "completed",
    provider: "v1",
    transaction_id: "v1-payment-7",
    metadata: {},
    created_at: new Date("2025-02-10T09:00:00Z"),
    updated_at: new Date("2025-02-10T09:00:00Z"),
  });
  ids.legacy = legacy.insertedId.toHexString();
});

afterAll(async () => {
  await platform.stop();
});

const FEBRUARY = { from: "2025-02-01T00:00:00.000Z", to: "2025-03-01T00:00:00.000Z" };

describe("payments filters", () => {
  test("a date range selects on paidAt (from inclusive, to exclusive), and on createdAt for payments without paidAt", async () => {
    const found = await payments(FEBRUARY);
    expect(found.map((node) => node.id).sort()).toEqual([ids.p2, ids.p3, ids.p4, ids.legacy].sort());
    const legacy = found.find((node) => node.id === ids.legacy);
    expect(legacy).toMatchObject({ paidAt: "2025-02-10T09:00:00.000Z", refundedCents: 0, adjustments: [] });
  });

  test("status, customer, license and provider narrow the range", async () => {
    expect((await payments({ ...FEBRUARY, status: "refunded" })).map((node) => node.id)).toEqual([ids.p3]);
    expect((await payments({ ...FEBRUARY, status: "failed" })).map((node) => node.id)).toEqual([ids.p4]);
    expect((await payments({ customerId: alice.customer._id.toHexString(), provider: "paddle" })).map((node) => node.id).sort()).toEqual(
      [ids.p1, ids.p2].sort(),
    );
    expect((await payments({ licenseId: bob.license._id.toHexString(), from: "2025-03-01T00:00:00.000Z" })).map((node) => node.id)).toEqual(
      [ids.p5],
    );
  });

  test("a range whose from is not before its to is refused", async () => {
    const response = await platform.graphql(PAYMENTS, { filter: { from: FEBRUARY.to, to: FEBRUARY.from } }, admin);
    expectFieldError(response, "payments", "BAD_USER_INPUT", /from must be before to/);
  });
});

describe("paymentTotals", () => {
  test("sums per currency, settled payments only, never mixing currencies", async () => {
    const response = await platform.graphql(TOTALS, { filter: { from: "2025-01-01T00:00:00.000Z", to: FEBRUARY.to } }, admin);
    // EUR: p1 (10000, tax 1900, fee 500, refunded 2500), p3 (4900, fee 245, refunded 4900), legacy (3000); p4 failed.
    // USD: p2 (65215, tax 5315, fee 3311). p5 is paid on 1 March, outside.
    expect(dataOf(response).paymentTotals).toEqual([
      { currency: "EUR", count: 3, failedCount: 1, grossCents: 17900, refundedCents: 7400, netCents: 10500, taxCents: 1900, feeCents: 745 },
      { currency: "USD", count: 1, failedCount: 0, grossCents: 65215, refundedCents: 0, netCents: 65215, taxCents: 5315, feeCents: 3311 },
    ]);
  });

  test("the same filters as payments: one customer's totals", async () => {
    const response = await platform.graphql(TOTALS, { filter: { customerId: bob.customer._id.toHexString() } }, admin);
    // p3 (4900, fee 245, refunded 4900), p5 (2000, tax 380, fee 100); p4 failed.
    expect(dataOf(response).paymentTotals).toEqual([
      { currency: "EUR", count: 2, failedCount: 1, grossCents: 6900, refundedCents: 4900, netCents: 2000, taxCents: 380, feeCents: 345 },
    ]);
  });
});

describe("adjustments", () => {
  test("a payment lists its refunds, and each refund links back to its payment", async () => {
    const [p1] = await payments({ customerId: alice.customer._id.toHexString(), status: "partially_refunded" });
    expect(p1).toMatchObject({ id: ids.p1, amountCents: 10000, refundedCents: 2500 });
    expect(p1.adjustments).toEqual([
      { adjustmentId: expect.stringMatching(/^adj-p1-/), action: "refund", amountCents: 2500, appliedCents: 2500, payment: { id: ids.p1 } },
    ]);
  });
});

describe("recordManualPayment", () => {
  const MUTATION = /* GraphQL */ `
    mutation ($input: RecordManualPaymentInput!) {
      recordManualPayment(input: $input) {
        id
        provider
        status
        amountCents
        currency
        invoiceNumber
        paidAt
        metadata
        license {
          id
        }
      }
    }
  `;

  test("an admin records a sale outside Paddle: provider manual, completed, in the activity log with cause manual", async () => {
    const input = {
      customerId: alice.customer._id.toHexString(),
      licenseId: alice.license._id.toHexString(),
      amountCents: 29000,
      currency: "EUR",
      paidAt: "2025-04-02T08:00:00.000Z",
      note: "Bank transfer, order 1182",
      invoiceNumber: "INV-2025-0042",
    };

    const payment = dataOf(
      await platform.graphql<{ recordManualPayment: Record<string, unknown> }>(MUTATION, { input }, admin),
    ).recordManualPayment;

    expect(payment).toMatchObject({
      provider: "manual",
      status: "completed",
      amountCents: 29000,
      currency: "EUR",
      invoiceNumber: "INV-2025-0042",
      paidAt: "2025-04-02T08:00:00.000Z",
      metadata: { note: "Bank transfer, order 1182" },
      license: { id: input.licenseId },
    });
    expect((await payments({ provider: "manual" })).map((node) => node.id)).toEqual([payment.id]);
    const [entry] = await activityOf(platform, admin, { customerId: input.customerId, action: "payment.recorded" });
    expect(entry).toMatchObject({
      actor: `admin:${await adminIdOf(platform, admin)}`,
      details: { cause: "manual", payment_id: payment.id, provider: "manual", amount_cents: 29000, currency: "EUR" },
    });
  });

  test.each([
    ["a lower-case currency", { currency: "eur" }, "BAD_USER_INPUT", /currency must be a 3-letter ISO 4217 code/],
    ["a currency of 4 letters", { currency: "EURO" }, "BAD_USER_INPUT", /currency/],
    ["a negative amount", { amountCents: -500 }, "BAD_USER_INPUT", /amountCents must be a positive whole number/],
    ["a zero amount", { amountCents: 0 }, "BAD_USER_INPUT", /amountCents/],
    ["a license of another customer", { licenseId: "bob" }, "BAD_USER_INPUT", /license belongs to another customer/],
    ["an unknown customer", { customerId: "0123456789abcdef01234567" }, "NOT_FOUND", /Customer not found/],
    ["an unknown license", { licenseId: "0123456789abcdef01234567" }, "NOT_FOUND", /License not found/],
    ["a malformed customer id", { customerId: "nope" }, "BAD_USER_INPUT", /customerId is not a valid id/],
  ])("%s is refused and changes nothing", async (_name, change, code, message) => {
    const input: Record<string, unknown> = {
      customerId: alice.customer._id.toHexString(),
      amountCents: 1000,
      currency: "EUR",
      ...change,
    };
    if (input.licenseId === "bob") input.licenseId = bob.license._id.toHexString();
    const before = await snapshotDatabase(platform.db);

    const response = await platform.graphql(MUTATION, { input }, admin);

    expectFieldError(response, "recordManualPayment", code, message);
    expect(await snapshotDatabase(platform.db)).toEqual(before);
  });
});
