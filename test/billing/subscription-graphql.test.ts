import { AdminRole } from "../../src/modules/admins/admin.model";
import { bearer, licenseKeyHeader } from "../support/platform";
import { PRICES, SubscriptionHarness } from "./subscription-harness";

describe("GraphQL: the billing state of subscriptions and their licenses", () => {
  let h: SubscriptionHarness;
  beforeAll(async () => {
    h = await SubscriptionHarness.start();
    await h.customer("ctm_gql", "gql@example.com");
    const base = { subscriptionId: "sub_gql", customerId: "ctm_gql", items: [{ priceId: PRICES.pro, amount: 799 }] };
    await h.send(h.event({ ...base, type: "subscription.created", status: "active" }));
    h.time.advance(1000);
    await h.send(h.event({ ...base, type: "subscription.past_due", status: "past_due", periodEndsAt: "2099-12-01T00:00:00.000Z" }));
    await h.customer("ctm_gql_unknown", "gql-unknown@example.com");
    await h.send(
      h.event({
        type: "subscription.created",
        subscriptionId: "sub_gql_unknown",
        customerId: "ctm_gql_unknown",
        status: "active",
        items: [{ priceId: PRICES.unknown, amount: 500 }],
      }),
    );
  });
  afterAll(() => h.stop());
  afterEach(() => h.expectInvariants());

  const BILLING =
    "billing { paddleSubscriptionId status graceUntil pastDueSince currentPeriodEndsAt scheduledCancelAt mrrCents listMrrCents currency discountRatio priceId plan { name } }";

  it("shows a license's billing state to staff (License.billing)", async () => {
    const license = await h.licenseOf("sub_gql");
    const state = await h.state("sub_gql");
    const readonly = bearer(await h.platform.token(AdminRole.readonly));
    const answer = await h.platform.graphql<{ license: { graceUntil: string; billing: Record<string, unknown> } }>(
      `query($id: ID!) { license(id: $id) { graceUntil ${BILLING} } }`,
      { id: license._id.toHexString() },
      readonly,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.license).toEqual({
      graceUntil: state!.grace_until!.toISOString(),
      billing: {
        paddleSubscriptionId: "sub_gql",
        status: "past_due",
        graceUntil: state!.grace_until!.toISOString(),
        pastDueSince: state!.past_due_since!.toISOString(),
        currentPeriodEndsAt: "2099-12-01T00:00:00.000Z",
        scheduledCancelAt: null,
        mrrCents: 799,
        listMrrCents: 799,
        currency: "EUR",
        discountRatio: 0,
        priceId: PRICES.pro,
        plan: { name: "pro" },
      },
    });
  });

  it("lists subscriptions by status, including one whose price sells no plan (no license)", async () => {
    const readonly = bearer(await h.platform.token(AdminRole.readonly));
    const all = await h.platform.graphql<{ billingSubscriptions: { totalCount: number; edges: Array<{ node: Record<string, unknown> }> } }>(
      "query { billingSubscriptions { totalCount edges { node { paddleSubscriptionId status license { keyLast4 } customer { email } } } } }",
      {},
      readonly,
    );
    expect(all.errors).toBeUndefined();
    // Only subscriptions: the customers' ordering rows (ctm_…) are not listed.
    expect(all.data!.billingSubscriptions.totalCount).toBe(2);
    const license = await h.licenseOf("sub_gql");
    expect(all.data!.billingSubscriptions.edges.map((edge) => edge.node)).toEqual([
      { paddleSubscriptionId: "sub_gql_unknown", status: "active", license: null, customer: { email: "gql-unknown@example.com" } },
      {
        paddleSubscriptionId: "sub_gql",
        status: "past_due",
        license: { keyLast4: license.key_last4 },
        customer: { email: "gql@example.com" },
      },
    ]);
    const pastDue = await h.platform.graphql<{ billingSubscriptions: { edges: Array<{ node: { paddleSubscriptionId: string } }> } }>(
      'query { billingSubscriptions(filter: {status: "past_due"}) { edges { node { paddleSubscriptionId } } } }',
      {},
      readonly,
    );
    expect(pastDue.data!.billingSubscriptions.edges.map((edge) => edge.node.paddleSubscriptionId)).toEqual(["sub_gql"]);
  });

  it("does not show billing (revenue, Paddle ids) to the license holder, nor the list to anyone without a token", async () => {
    const license = await h.licenseOf("sub_gql");
    const key = await h.keyOf(license);
    const own = await h.platform.graphql(
      `query($id: ID!) { license(id: $id) { status billing { mrrCents } } }`,
      { id: license._id.toHexString() },
      licenseKeyHeader(key),
    );
    expect(own.errors?.[0]?.extensions?.["code"]).toBe("FORBIDDEN");
    const anonymous = await h.platform.graphql("query { billingSubscriptions { totalCount } }");
    expect(anonymous.errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
  });
});
