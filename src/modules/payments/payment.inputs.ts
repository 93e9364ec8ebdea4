import { IsInt, IsOptional, Length, Matches, MaxLength, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";
import { PaymentStatus } from "./payment.model";

@InputType()
export class PaymentFilterInput {
  @Field(() => PaymentStatus, { nullable: true })
  status?: PaymentStatus;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => ID, { nullable: true })
  licenseId?: string;

  @Field(() => String, { nullable: true, description: "paddle, manual, or an imported provider (v1, v2, …)" })
  @IsOptional()
  @Length(1, 50)
  provider?: string;

  @Field(() => DateTimeISO, { nullable: true, description: "Paid at or after (inclusive)" })
  from?: Date;

  @Field(() => DateTimeISO, { nullable: true, description: "Paid before (exclusive)" })
  to?: Date;
}

@InputType({ description: "A sale outside Paddle, recorded by an admin" })
export class RecordManualPaymentInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ID, { nullable: true, description: "Must be one of the customer's licenses" })
  licenseId?: string;

  @Field(() => Int, { description: "Tax included, in the currency's minor unit (cents)" })
  @IsInt()
  @Min(1, { message: "amountCents must be a positive whole number of cents" })
  amountCents!: number;

  @Field({ description: "ISO 4217, upper case, e.g. EUR" })
  @Matches(/^[A-Z]{3}$/, { message: "currency must be a 3-letter ISO 4217 code in upper case, e.g. EUR" })
  currency!: string;

  @Field(() => DateTimeISO, { nullable: true, description: "Default: now" })
  paidAt?: Date;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  note?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  invoiceNumber?: string;
}
