import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { connectionType, PageArgs, toConnection, type ConnectionShape } from "../../graphql/connection";
import type { GraphQLContext } from "../../graphql/context";
import { DateTimeISO, JSONObject } from "../../graphql/scalars";
import { parseId } from "../../graphql/ids";
import { actorOf } from "../../graphql/principal";
import { notFound } from "../../errors";
import { Customer } from "../customers/customer.model";
import { License } from "../licenses/license.model";
import { centsToDecimal } from "../../money";
import { PaymentAdjustment } from "./payment-adjustment.model";
import { PaymentFilterInput, RecordManualPaymentInput } from "./payment.inputs";
import { Payment } from "./payment.model";
import type { PaymentFilter } from "./payment.service";
import { PaymentTotals } from "./payment-totals.type";

export const PaymentConnection = connectionType("Payment", Payment);

function toFilter(filter: PaymentFilterInput | undefined): PaymentFilter {
  return {
    status: filter?.status,
    customerId: filter?.customerId ? parseId(filter.customerId, "filter.customerId") : undefined,
    licenseId: filter?.licenseId ? parseId(filter.licenseId, "filter.licenseId") : undefined,
    provider: filter?.provider,
    from: filter?.from,
    to: filter?.to,
  };
}

@Resolver(() => Payment)
export class PaymentResolver {
  @Query(() => PaymentConnection, { description: "Payments, newest first" })
  async payments(
    @Arg("filter", () => PaymentFilterInput, { nullable: true }) filter: PaymentFilterInput | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Payment>> {
    return toConnection(await ctx.services.payments.list(toFilter(filter), page));
  }

  @Query(() => [PaymentTotals], { description: "Totals of the payments matching the filter, one row per currency" })
  paymentTotals(
    @Arg("filter", () => PaymentFilterInput, { nullable: true }) filter: PaymentFilterInput | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PaymentTotals[]> {
    return ctx.services.payments.totals(toFilter(filter));
  }

  @Mutation(() => Payment, { description: "Records a sale made outside Paddle (provider manual)" })
  async recordManualPayment(@Arg("input") input: RecordManualPaymentInput, @Ctx() ctx: GraphQLContext): Promise<Payment> {
    const { payment } = await ctx.services.ledger.recordManualPayment(
      {
        customerId: parseId(input.customerId, "input.customerId"),
        licenseId: input.licenseId ? parseId(input.licenseId, "input.licenseId") : null,
        amountCents: input.amountCents,
        currency: input.currency,
        paidAt: input.paidAt ?? null,
        note: input.note ?? null,
        invoiceNumber: input.invoiceNumber ?? null,
      },
      actorOf(ctx.principal, ctx.ip),
    );
    return payment;
  }

  @FieldResolver(() => String, { description: "The amount as a decimal string, e.g. 29.00" })
  amount(@Root() payment: Payment): string {
    return centsToDecimal(payment.amount_cents);
  }

  @FieldResolver(() => DateTimeISO, { name: "paidAt", description: "The business date that date ranges use" })
  paidAt(@Root() payment: Payment): Date {
    return payment.paid_at ?? payment.created_at;
  }

  @FieldResolver(() => Int, { name: "refundedCents", description: "The sum of the approved adjustments" })
  refundedCents(@Root() payment: Payment): number {
    return payment.refunded_cents ?? 0;
  }

  @FieldResolver(() => [PaymentAdjustment], { description: "Refunds, credits and chargebacks, newest first" })
  adjustments(@Root() payment: Payment, @Ctx() ctx: GraphQLContext): Promise<PaymentAdjustment[]> {
    return ctx.loaders.adjustmentsByPayment.load(payment._id.toHexString());
  }

  @FieldResolver(() => Customer)
  async customer(@Root() payment: Payment, @Ctx() ctx: GraphQLContext): Promise<Customer> {
    const customer = await ctx.loaders.customer.load(payment.customer_id.toHexString());
    if (!customer) throw notFound("Customer");
    return customer;
  }

  @FieldResolver(() => License, { nullable: true })
  license(@Root() payment: Payment, @Ctx() ctx: GraphQLContext): Promise<License | null> {
    return payment.license_id ? ctx.loaders.license.load(payment.license_id.toHexString()) : Promise.resolve(null);
  }

  // Documents written before empty objects were kept may lack the field; the API always answers an object.
  @FieldResolver(() => JSONObject, { description: "Free-form data from the payment provider" })
  metadata(@Root() payment: Payment): Record<string, unknown> {
    return payment.metadata ?? {};
  }
}

@Resolver(() => PaymentAdjustment)
export class PaymentAdjustmentResolver {
  @FieldResolver(() => Payment, { description: "The adjusted payment" })
  async payment(@Root() adjustment: PaymentAdjustment, @Ctx() ctx: GraphQLContext): Promise<Payment> {
    const payment = await ctx.loaders.payment.load(adjustment.payment_id.toHexString());
    if (!payment) throw notFound("Payment");
    return payment;
  }
}
