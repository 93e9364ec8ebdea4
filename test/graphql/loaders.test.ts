import type { mongoose } from "@typegoose/typegoose";
import * as contextModule from "../../src/graphql/context";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { monthWindow, startOfNextMonth } from "../../src/modules/usage/usage-windows";
import { bearer } from "../support/platform";
import { describeCommands, startMonitoredPlatform, type MonitoredPlatform, type RecordedCommand } from "../support/monitored-platform";

// Issue item 4: nested lists are resolved through per-request DataLoaders, so the number of database commands of a
// request does not grow with the number of rows on the page.

const NESTED_QUERY = /* GraphQL */ `
  query NestedCustomers {
    customers(first: 50) {
      edges {
        node {
          email
          licenses {
            plan {
              name
            }
            customer {
              email
            }
            usageSummary {
              requests
            }
          }
        }
      }
    }
  }
`;

interface NestedCustomers {
  customers: {
    edges: Array<{
      node: { email: string; licenses: Array<{ plan: { name: string }; customer: { email: string }; usageSummary: { requests: number } }> };
    }>;
  };
}

// Two plans per customer, never the lifetime one (its seats are limited).
const PLAN_PAIRS: Array<[string, string]> = [
  ["starter", "pro"],
  ["pro", "agency"],
  ["agency", "starter"],
];

describe("DataLoader batching", () => {
  let platform: MonitoredPlatform;
  let seeded = 0;
  /** What each seeded customer should show: email → plan name → this month's requests. */
  const expected = new Map<string, Map<string, number>>();

  beforeAll(async () => {
    platform = await startMonitoredPlatform();
  });
  afterAll(() => platform.stop());

  async function seedCustomers(upTo: number): Promise<void> {
    const { services } = platform;
    const now = new Date();
    for (; seeded < upTo; seeded++) {
      const email = `batch-${seeded}@example.com`;
      const customer = await services.customers.create({ email, name: `Customer ${seeded}` }, SYSTEM_ACTOR);
      const plans = new Map<string, number>();
      for (const [index, plan] of PLAN_PAIRS[seeded % PLAN_PAIRS.length].entries()) {
        const { license } = await services.licenses.issue({ customerId: customer._id, plan }, SYSTEM_ACTOR);
        // Every other license has AI usage this month; the rest have no counter document at all.
        const requests = index === 0 ? seeded + 1 : 0;
        if (requests > 0) await addMonthCounter(license._id, requests, now);
        plans.set(plan, requests);
      }
      expected.set(email, plans);
    }
  }

  async function addMonthCounter(licenseId: mongoose.Types.ObjectId, requests: number, now: Date): Promise<void> {
    await platform.services.models.UsageCounter.create({
      license_id: licenseId,
      window: monthWindow(now),
      requests,
      tokens: requests * 100,
      cost_micros: requests * 1500,
      expires_at: startOfNextMonth(now),
    });
  }

  /** One HTTP request of NESTED_QUERY by a fresh token (so the token's first-use bookkeeping is the same each time). */
  async function measure(): Promise<{ commands: RecordedCommand[]; data: NestedCustomers }> {
    const headers = bearer(await platform.token(AdminRole.readonly));
    const { result, commands } = await platform.commands.during(() => platform.graphql<NestedCustomers>(NESTED_QUERY, undefined, headers));
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
    if (!result.data) throw new Error("no data");
    return { commands, data: result.data };
  }

  function checkData(data: NestedCustomers, customers: number): void {
    expect(data.customers.edges).toHaveLength(customers);
    for (const { node } of data.customers.edges) {
      const plans = expected.get(node.email);
      if (!plans) throw new Error(`unexpected customer ${node.email}`);
      expect(node.licenses).toHaveLength(2);
      for (const license of node.licenses) {
        expect(license.customer.email).toBe(node.email);
        expect(plans.has(license.plan.name)).toBe(true);
        expect(license.usageSummary.requests).toBe(plans.get(license.plan.name));
      }
    }
  }

  it("sends the same small number of database commands for 5 customers as for 50", async () => {
    await seedCustomers(5);
    const five = await measure();
    checkData(five.data, 5);

    await seedCustomers(50);
    const fifty = await measure();
    checkData(fifty.data, 50);

    console.log(
      `DB commands for 5 customers: ${five.commands.length}, for 50: ${fifty.commands.length}\n` +
        `  5:  ${describeCommands(five.commands)}\n  50: ${describeCommands(fifty.commands)}`,
    );
    // The same commands (the order of concurrent loader batches may differ).
    const sorted = (commands: RecordedCommand[]): string[] => commands.map((command) => describeCommands([command])).sort();
    expect(sorted(fifty.commands)).toEqual(sorted(five.commands));
    // Token lookup (+ its last-used stamp), the page, then one batch per loader: licenses, plans, customers, counters.
    expect(fifty.commands.length).toBeLessThanOrEqual(8);
    const perCollection = (collection: string): number => fifty.commands.filter((command) => command.collection === collection).length;
    expect(perCollection("licenses")).toBe(1);
    expect(perCollection("plans")).toBe(1);
    expect(perCollection("usage_counters")).toBe(1);
    // The page itself, and one batched load of the licenses' customers.
    expect(perCollection("customers")).toBe(2);
  });

  describe("loaders belong to one request", () => {
    it("builds new loaders for every request, also for concurrent ones", async () => {
      const spy = jest.spyOn(contextModule, "createLoaders");
      try {
        const headers = bearer(await platform.token(AdminRole.readonly));
        const [first, second] = await Promise.all([
          platform.graphql("{ plans { name } }", undefined, headers),
          platform.graphql("{ plans { name } }", undefined, headers),
        ]);
        expect(first.errors).toBeUndefined();
        expect(second.errors).toBeUndefined();
        expect(spy).toHaveBeenCalledTimes(2);
        const [a, b] = spy.mock.results.map((result): contextModule.Loaders => result.value);
        expect(a).not.toBe(b);
        for (const name of Object.keys(a) as Array<keyof contextModule.Loaders>) expect(a[name]).not.toBe(b[name]);
      } finally {
        spy.mockRestore();
      }
    });

    it("does not serve a later request from an earlier request's cache", async () => {
      const { services } = platform;
      const customer = await services.customers.create({ email: "before@example.com" }, SYSTEM_ACTOR);
      const { license } = await services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
      const headers = bearer(await platform.token(AdminRole.readonly));
      const query = "query ($id: ID!) { license(id: $id) { customer { email } } }";
      type Result = { license: { customer: { email: string } } };

      const before = await platform.graphql<Result>(query, { id: license._id.toHexString() }, headers);
      expect(before.data?.license.customer.email).toBe("before@example.com");

      // Changed behind the API's back: only a loader cache could still hold the old value.
      await services.models.Customer.updateOne({ _id: customer._id }, { $set: { email: "after@example.com" } }).exec();

      const after = await platform.graphql<Result>(query, { id: license._id.toHexString() }, headers);
      expect(after.errors).toBeUndefined();
      expect(after.data?.license.customer.email).toBe("after@example.com");
    });
  });
});
