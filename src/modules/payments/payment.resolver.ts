import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver, Root } from "type-graphql";
import { connectionType, PageArgs, toConnection, type ConnectionShape } from "../../graphql/connection";
import type { GraphQLContext } from "../../graphql/context";
import { JSONObject } from "../../graphql/scalars";
import { parseId } from "../../graphql/ids";
import { notFound } from "../../errors";
import { Customer } from "../customers/customer.model";
import { License } from "../licenses/license.model";
import { centsToDecimal } from "../../money";
import { Payment, PaymentStatus } from "./payment.model";

export const PaymentConnection = connectionType("Payment", Payment);

@InputType()
export class PaymentFilterInput {
  @Field(() => PaymentStatus, { nullable: true })
  status?: PaymentStatus;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => ID, { nullable: true })
  licenseId?: string;
}

@Resolver(() => Payment)
export class PaymentResolver {
  @Query(() => PaymentConnection, { description: "Payments, newest first" })
  async payments(
    @Arg("filter", () => PaymentFilterInput, { nullable: true }) filter: PaymentFilterInput | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Payment>> {
    const list = await ctx.services.payments.list(
      {
        status: filter?.status,
        customerId: filter?.customerId ? parseId(filter.customerId, "filter.customerId") : undefined,
        licenseId: filter?.licenseId ? parseId(filter.licenseId, "filter.licenseId") : undefined,
      },
      page,
    );
    return toConnection(list);
  }

  @FieldResolver(() => String, { description: "The amount as a decimal string, e.g. 29.00" })
  amount(@Root() payment: Payment): string {
    return centsToDecimal(payment.amount_cents);
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
