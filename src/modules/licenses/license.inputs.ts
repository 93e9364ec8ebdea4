import { IsOptional, Length, Matches, MaxLength } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";
import { License, LicenseStatus } from "./license.model";

@InputType()
export class IssueLicenseInput {
  @Field(() => ID)
  customerId!: string;

  @Field({ description: "Plan name: starter, pro, agency or founders" })
  @Length(1, 50)
  plan!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(255)
  domain?: string;

  @Field(() => DateTimeISO, {
    nullable: true,
    description: "Omit for no expiry (monthly plans are kept alive by billing; lifetime never expires)",
  })
  expiresAt?: Date;
}

@InputType()
export class LicenseFilterInput {
  @Field(() => LicenseStatus, { nullable: true })
  status?: LicenseStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 50)
  plan?: string;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => String, { nullable: true, description: "Part of the customer's email, name or company" })
  @IsOptional()
  @Length(1, 100)
  search?: string;

  @Field(() => String, { nullable: true, description: "The last 4 characters of the key" })
  @IsOptional()
  @Matches(/^[0-9A-Za-z-]{4}$/, { message: "keyLast4 must be exactly 4 characters" })
  keyLast4?: string;
}

@ObjectType({ description: "A license with its key: the only time the key is shown" })
export class IssuedLicense {
  @Field()
  key!: string;

  @Field(() => License)
  license!: License;
}
