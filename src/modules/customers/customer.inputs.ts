import { IsEmail, IsISO31661Alpha2, IsOptional, Length, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { CustomerStatus } from "./customer.model";

/** The optional details shared by creating and updating a customer (inherited; never referenced on its own). */
@InputType("CustomerDetailsInput")
abstract class CustomerDetailsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  company?: string;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2, e.g. IT" })
  @IsOptional()
  @IsISO31661Alpha2({ message: "country must be an ISO 3166-1 alpha-2 code such as IT" })
  country?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(50)
  phone?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  address?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  notes?: string;
}

@InputType()
export class CreateCustomerInput extends CustomerDetailsInput {
  @Field()
  @IsEmail({}, { message: "email must be a valid email address" })
  @MaxLength(254)
  email!: string;
}

@InputType({ description: "Only the fields given are changed" })
export class UpdateCustomerInput extends CustomerDetailsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: "email must be a valid email address" })
  @MaxLength(254)
  email?: string;
}

@InputType()
export class CustomerFilterInput {
  @Field(() => CustomerStatus, { nullable: true })
  status?: CustomerStatus;

  @Field(() => String, { nullable: true, description: "Part of the email, name or company" })
  @IsOptional()
  @Length(1, 100)
  search?: string;
}
