import { Field, Int, ObjectType } from "type-graphql";
import { SafeInt } from "../../graphql/scalars";
import type { CurrencyTotals } from "./payment.service";

/** The ledger's sums for one currency; sums are 53-bit integers (SafeInt), in the currency's minor unit. */
@ObjectType("PaymentTotals", { description: "Sums of the matching payments in one currency (currencies are never mixed)" })
export class PaymentTotals implements CurrencyTotals {
  @Field({ description: "ISO 4217" })
  currency!: string;

  @Field(() => Int, { description: "Settled payments (completed, partially_refunded, refunded): the ones summed below" })
  count!: number;

  @Field(() => Int, { description: "Failed payments (not summed)" })
  failedCount!: number;

  @Field(() => SafeInt, { description: "What customers paid, tax included" })
  grossCents!: number;

  @Field(() => SafeInt, { description: "Refunded, credited and charged back (approved adjustments)" })
  refundedCents!: number;

  @Field(() => SafeInt, { description: "grossCents − refundedCents (tax included, fees not deducted)" })
  netCents!: number;

  @Field(() => SafeInt, { description: "Tax of the payments whose tax is known" })
  taxCents!: number;

  @Field(() => SafeInt, { description: "Provider fees of the payments whose fee is known" })
  feeCents!: number;
}
