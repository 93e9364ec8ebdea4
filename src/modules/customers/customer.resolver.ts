import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { connectionType, PageArgs, toConnection, type ConnectionShape } from "../../graphql/connection";
import type { GraphQLContext } from "../../graphql/context";
import { parseId } from "../../graphql/ids";
import { actorOf } from "../../graphql/principal";
import { License } from "../licenses/license.model";
import { Payment } from "../payments/payment.model";
import { CreateCustomerInput, CustomerFilterInput, UpdateCustomerInput } from "./customer.inputs";
import { Customer, CustomerStatus } from "./customer.model";

export const CustomerConnection = connectionType("Customer", Customer);

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => CustomerConnection, { description: "Customers, newest first" })
  async customers(
    @Arg("filter", () => CustomerFilterInput, { nullable: true }) filter: CustomerFilterInput | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Customer>> {
    return toConnection(await ctx.services.customers.list(filter ?? {}, page));
  }

  @Query(() => Customer)
  customer(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Customer> {
    return ctx.services.customers.get(parseId(id));
  }

  @Mutation(() => Customer)
  createCustomer(@Arg("input") input: CreateCustomerInput, @Ctx() ctx: GraphQLContext): Promise<Customer> {
    return ctx.services.customers.create(input, actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => Customer)
  updateCustomer(@Arg("id", () => ID) id: string, @Arg("input") input: UpdateCustomerInput, @Ctx() ctx: GraphQLContext): Promise<Customer> {
    return ctx.services.customers.update(parseId(id), { ...input }, actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => Customer, { description: "A suspended customer's licenses stop passing validation" })
  setCustomerStatus(
    @Arg("id", () => ID) id: string,
    @Arg("status", () => CustomerStatus) status: CustomerStatus,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Customer> {
    return ctx.services.customers.setStatus(parseId(id), status, actorOf(ctx.principal, ctx.ip));
  }

  @FieldResolver(() => [License], { description: "The customer's licenses, newest first" })
  licenses(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<License[]> {
    return ctx.loaders.licensesByCustomer.load(customer._id.toHexString());
  }

  @FieldResolver(() => [Payment], { description: "The customer's latest 100 payments" })
  payments(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<Payment[]> {
    return ctx.loaders.paymentsByCustomer.load(customer._id.toHexString());
  }
}
