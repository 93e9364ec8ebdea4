import { mongoose } from "@typegoose/typegoose";
import { AdminRole } from "../../../src/modules/admins/admin.model";
import { hourWindow, monthWindow, startOfNextMonth } from "../../../src/modules/usage/usage-windows";
import { bearer, licenseKeyHeader, startTestPlatform, type TestPlatform } from "../../support/platform";
import { dataOf, expectFieldError } from "../../support/graphql-assertions";
import { unique } from "../../support/fixtures";

/** usage(licenseId, from, to, groupBy) from the logs, and License.usageSummary from the month counter. */

const USAGE = `query($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $groupBy: UsageGroupBy!) {
  usage(licenseId: $id, from: $from, to: $to, groupBy: $groupBy) { key requests tokens costMicros cost } }`;
const SUMMARY_FIELDS = `month requests tokens costMicros cost requestLimit budgetMicros requestsPercent budgetPercent`;

let platform: TestPlatform;
let admin: Record<string, string>;

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = bearer(await platform.token(AdminRole.admin));
});

afterAll(async () => {
  await platform.stop();
});

async function newLicense(plan: string): Promise<{ id: string; key: string }> {
  const customer = dataOf(
    await platform.graphql<{ createCustomer: { id: string } }>(
      `mutation($email: String!) { createCustomer(input: { email: $email }) { id } }`,
      { email: `${unique("usage")}@example.com` },
      admin,
    ),
  ).createCustomer;
  const issued = dataOf(
    await platform.graphql<{ issueLicense: { key: string; license: { id: string } } }>(
      `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { key license { id } } }`,
      { input: { customerId: customer.id, plan } },
      admin,
    ),
  ).issueLicense;
  return { id: issued.license.id, key: issued.key };
}

async function log(
  licenseId: string,
  at: string,
  provider: string | null,
  model: string | null,
  tokens: number,
  costMicros: number,
): Promise<void> {
  await platform.services.models.UsageLog.create({
    license_id: new mongoose.Types.ObjectId(licenseId),
    endpoint: "/api/chat",
    provider,
    model,
    prompt_tokens: tokens - Math.floor(tokens / 3),
    completion_tokens: Math.floor(tokens / 3),
    tokens_used: tokens,
    cost_micros: costMicros,
    created_at: new Date(at),
  });
}

describe("usage(licenseId, from, to, groupBy)", () => {
  let license: { id: string; key: string };
  const range = { from: "2026-03-01T00:00:00.000Z", to: "2026-03-04T00:00:00.000Z" };

  beforeAll(async () => {
    license = await newLicense("pro");
    const other = await newLicense("pro");
    await log(license.id, "2026-03-01T00:00:00.000Z", "openai", "gpt-4o-mini", 100, 150); // first instant: included
    await log(license.id, "2026-03-01T23:59:59.999Z", "anthropic", "claude-3-haiku-20240307", 200, 300);
    await log(license.id, "2026-03-02T00:00:00.000Z", "openai", "gpt-4o-mini", 50, 75);
    await log(license.id, "2026-03-03T12:00:00.000Z", null, null, 10, 15);
    await log(license.id, "2026-02-28T23:59:59.999Z", "openai", "gpt-4o-mini", 1000, 1000); // before `from`
    await log(license.id, "2026-03-04T00:00:00.000Z", "openai", "gpt-4o-mini", 1000, 1000); // at `to`: excluded
    await log(other.id, "2026-03-02T10:00:00.000Z", "openai", "gpt-4o-mini", 5000, 5000); // another license
  });

  test.each([
    {
      groupBy: "DAY",
      expected: [
        { key: "2026-03-01", requests: 2, tokens: 300, costMicros: 450, cost: "0.000450" },
        { key: "2026-03-02", requests: 1, tokens: 50, costMicros: 75, cost: "0.000075" },
        { key: "2026-03-03", requests: 1, tokens: 10, costMicros: 15, cost: "0.000015" },
      ],
    },
    {
      groupBy: "PROVIDER",
      expected: [
        { key: "anthropic", requests: 1, tokens: 200, costMicros: 300, cost: "0.000300" },
        { key: "openai", requests: 2, tokens: 150, costMicros: 225, cost: "0.000225" },
        { key: "unknown", requests: 1, tokens: 10, costMicros: 15, cost: "0.000015" },
      ],
    },
    {
      groupBy: "MODEL",
      expected: [
        { key: "claude-3-haiku-20240307", requests: 1, tokens: 200, costMicros: 300, cost: "0.000300" },
        { key: "gpt-4o-mini", requests: 2, tokens: 150, costMicros: 225, cost: "0.000225" },
        { key: "unknown", requests: 1, tokens: 10, costMicros: 15, cost: "0.000015" },
      ],
    },
  ])("grouped by $groupBy, sums only this license's calls in [from, to)", async ({ groupBy, expected }) => {
    const response = await platform.graphql<{ usage: unknown[] }>(USAGE, { id: license.id, ...range, groupBy }, admin);
    expect(dataOf(response).usage).toEqual(expected);
  });

  test("the holder reads its own usage with its key", async () => {
    const response = await platform.graphql<{ usage: Array<{ requests: number }> }>(
      USAGE,
      { id: license.id, ...range, groupBy: "DAY" },
      licenseKeyHeader(license.key),
    );
    expect(dataOf(response).usage.map((bucket) => bucket.requests)).toEqual([2, 1, 1]);
  });

  test("a range with no calls gives no buckets", async () => {
    expect(
      dataOf(
        await platform.graphql<{ usage: unknown[] }>(
          USAGE,
          { id: license.id, from: "2025-01-01T00:00:00.000Z", to: "2025-01-02T00:00:00.000Z", groupBy: "DAY" },
          admin,
        ),
      ).usage,
    ).toEqual([]);
  });

  test.each([
    { what: "to before from", from: "2026-03-04T00:00:00.000Z", to: "2026-03-01T00:00:00.000Z", message: /to must be after from/ },
    { what: "to equal to from", from: "2026-03-01T00:00:00.000Z", to: "2026-03-01T00:00:00.000Z", message: /to must be after from/ },
    { what: "a range over 400 days", from: "2024-01-01T00:00:00.000Z", to: "2026-01-01T00:00:00.000Z", message: /at most 400 days/ },
  ])("$what is BAD_USER_INPUT", async ({ from, to, message }) => {
    expectFieldError(
      await platform.graphql(USAGE, { id: license.id, from, to, groupBy: "DAY" }, admin),
      "usage",
      "BAD_USER_INPUT",
      message,
    );
  });
});

describe("License.usageSummary", () => {
  test("reads this month's counter; percentages are round(used / limit × 100, 2)", async () => {
    const license = await newLicense("pro"); // 1000 requests, 4 EUR budget
    const now = new Date();
    const licenseId = new mongoose.Types.ObjectId(license.id);
    await platform.services.models.UsageCounter.create({
      license_id: licenseId,
      window: monthWindow(now),
      requests: 333,
      tokens: 12_345,
      cost_micros: 1_234_567,
      reserved_micros: 0,
      expires_at: startOfNextMonth(now),
    });
    // Windows that are not this month's count for nothing here.
    await platform.services.models.UsageCounter.create({
      license_id: licenseId,
      window: hourWindow(now),
      requests: 9,
      tokens: 9,
      cost_micros: 9,
      expires_at: startOfNextMonth(now),
    });
    await platform.services.models.UsageCounter.create({
      license_id: licenseId,
      window: "m:2001-01",
      requests: 999,
      tokens: 9,
      cost_micros: 3_999_999,
      expires_at: startOfNextMonth(now),
    });

    const response = await platform.graphql<{ license: { usageSummary: Record<string, unknown> } }>(
      `query($id: ID!) { license(id: $id) { usageSummary { ${SUMMARY_FIELDS} } } }`,
      { id: license.id },
      admin,
    );

    expect(dataOf(response).license.usageSummary).toEqual({
      month: now.toISOString().slice(0, 7),
      requests: 333,
      tokens: 12_345,
      costMicros: 1_234_567,
      cost: "1.234567",
      requestLimit: 1000,
      budgetMicros: 4_000_000,
      requestsPercent: 33.3, // 333 / 1000
      budgetPercent: 30.86, // 1 234 567 / 4 000 000 = 30.864175 %
    });
    const asHolder = await platform.graphql<{ viewer: { license: { usageSummary: { requestsPercent: number } } } }>(
      `{ viewer { license { usageSummary { requestsPercent } } } }`,
      {},
      licenseKeyHeader(license.key),
    );
    expect(dataOf(asHolder).viewer.license.usageSummary.requestsPercent).toBe(33.3);
  });

  test("no counter yet: zeros; an unlimited plan (0) gives 0 %, never a division by zero", async () => {
    const fresh = await newLicense("pro");
    const starter = await newLicense("starter"); // monthly_requests 0, budget 0: unlimited
    const now = new Date();
    await platform.services.models.UsageCounter.create({
      license_id: new mongoose.Types.ObjectId(starter.id),
      window: monthWindow(now),
      requests: 50,
      tokens: 1,
      cost_micros: 777,
      expires_at: startOfNextMonth(now),
    });
    const query = `query($id: ID!) { license(id: $id) { usageSummary { requests costMicros requestLimit budgetMicros requestsPercent budgetPercent } } }`;

    expect(
      dataOf(await platform.graphql<{ license: { usageSummary: unknown } }>(query, { id: fresh.id }, admin)).license.usageSummary,
    ).toEqual({
      requests: 0,
      costMicros: 0,
      requestLimit: 1000,
      budgetMicros: 4_000_000,
      requestsPercent: 0,
      budgetPercent: 0,
    });
    expect(
      dataOf(await platform.graphql<{ license: { usageSummary: unknown } }>(query, { id: starter.id }, admin)).license.usageSummary,
    ).toEqual({
      requests: 50,
      costMicros: 777,
      requestLimit: 0,
      budgetMicros: 0,
      requestsPercent: 0,
      budgetPercent: 0,
    });
  });
});
