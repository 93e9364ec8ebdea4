import { IsInt, IsOptional, Max, Min, ValidateNested, ArrayMaxSize, IsString, MaxLength, IsIn, Matches } from "class-validator";
import { Field, InputType, Int, ObjectType } from "type-graphql";
import { SafeInt } from "../../graphql/scalars";
import { PROVIDERS } from "../../ai/providers";

@ObjectType()
export class ModelAllowance {
  @Field()
  provider!: string;

  @Field(() => [String], { description: "Empty: only the provider's default model" })
  models!: string[];
}

@InputType()
export class ModelAllowanceInput {
  @Field()
  @IsIn([...PROVIDERS])
  provider!: string;

  @Field(() => [String])
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  models!: string[];
}

@InputType({ description: "Only the fields given are changed" })
export class UpdatePlanInput {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  monthlyRequests?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  requestsPerMinute?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  requestsPerHour?: number;

  @Field(() => SafeInt, { nullable: true, description: "Monthly AI budget in micro-euros (1 EUR = 1,000,000); 0 = unlimited" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000)
  monthlyBudgetMicros?: number;

  @Field(() => Int, { nullable: true, description: "-1 = unlimited" })
  @IsOptional()
  @IsInt()
  @Min(-1)
  maxSites?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxTokens?: number;

  @Field(() => SafeInt, {
    nullable: true,
    description: "Flat AI rate in micro-euros per 1,000 tokens, for models missing from the price table",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  costPer1kTokensMicros?: number;

  @Field(() => Int, { nullable: true, description: "The list price in cents (what Paddle charges is set in Paddle)" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  priceCents?: number;

  @Field(() => [ModelAllowanceInput], { nullable: true })
  @IsOptional()
  @ValidateNested({ each: true })
  allowedModels?: ModelAllowanceInput[];

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  lifetimeLimit?: number;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  isActive?: boolean;

  @Field(() => [String], { nullable: true, description: "Replaces the plan's Paddle price ids (pri_…); [] removes them all" })
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(/^pri_[a-z0-9]{1,60}$/, { each: true, message: "each paddlePriceIds entry must be a Paddle price id like pri_01h…" })
  paddlePriceIds?: string[];
}
