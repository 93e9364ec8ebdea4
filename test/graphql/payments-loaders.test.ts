import { AdminRole } from "../../src/modules/admins/admin.model";
import { AdjustmentAction, AdjustmentStatus } from "../../src/modules/payments/payment-adjustment.model";
import { newLicense, unique } from "../support/fixtures";
import { bearer } from "../support/platform";
import { describeCommands, startMonitoredPlatform, type MonitoredPlatform, type RecordedCommand } from "../support/monitored-platform";

// Payment.adjustments and PaymentAdjustment.payment go through per-request DataLoaders: a page of payments with their
// refunds costs the same number of database commands for 3 payments as for 30.

const QUERY = /* GraphQL */ `
  {
    payments(first: 50) {
      edges {
        node {
          id
          adjustments {
            amountCents
            payment {
              id
            }
          }
        }
      }
    }
  }
`;

interface Page {
  payments: { edges: Array<{ node: { id: string; adjustments: Array<{ amountCents: number; payment: { id: string } }> } }> };
}

let platform: MonitoredPlatform;
let seeded = 0;

beforeAll(async () => {
  platform = await startMonitoredPlatform();
});
afterAll(() => platform.stop());

/** Payments of 1000 cents, each with two approved refunds of 100 and 200. */
async function seedPayments(upTo: number): Promise<void> {
  const { license, customer } = await newLicense(platform, "pro");
  for (; seeded < upTo; seeded++) {
    const { payment } = await platform.services.ledger.recordPayment({
      provider: "paddle",
      transactionId: unique("txn"),
      customerId: customer._id,
      licenseId: license._id,
      amountCents: 1000,
      currency: "EUR",
      paidAt: new Date(),
      cause: unique("evt"),
    });
    for (const amountCents of [100, 200])
      await platform.services.ledger.applyAdjustment({
        provider: "paddle",
        adjustmentId: unique("adj"),
        transactionId: payment.transaction_id,
        action: AdjustmentAction.refund,
        amountCents,
        status: AdjustmentStatus.approved,
        cause: unique("evt"),
      });
  }
}

async function measure(): Promise<{ commands: RecordedCommand[]; data: Page }> {
  const headers = bearer(await platform.token(AdminRole.readonly));
  const { result, commands } = await platform.commands.during(() => platform.graphql<Page>(QUERY, undefined, headers));
  expect(result.errors).toBeUndefined();
  if (!result.data) throw new Error("no data");
  return { commands, data: result.data };
}

test("a page of payments with their adjustments and the adjustments' payment: the same commands for 3 payments as for 30", async () => {
  await seedPayments(3);
  const three = await measure();
  await seedPayments(30);
  const thirty = await measure();

  expect(thirty.data.payments.edges).toHaveLength(30);
  for (const { node } of thirty.data.payments.edges) {
    expect(node.adjustments.map((adjustment) => adjustment.amountCents).sort()).toEqual([100, 200]);
    for (const adjustment of node.adjustments) expect(adjustment.payment.id).toBe(node.id);
  }
  const sorted = (commands: RecordedCommand[]): string[] => commands.map((command) => describeCommands([command])).sort();
  expect(sorted(thirty.commands)).toEqual(sorted(three.commands));
  const perCollection = (collection: string): number => thirty.commands.filter((command) => command.collection === collection).length;
  expect(perCollection("payment_adjustments")).toBe(1);
  // The page, and one batched load of the adjustments' payments.
  expect(perCollection("payments")).toBe(2);
});
