import { GraphQLDate } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";
import { SafeInt } from "../../graphql/scalars";

/** The GraphQL shapes of AI usage in analytics (ai-usage.ts computes them); cost in micro-euros. */

@ObjectType("AiProviderUsage")
export class AiProviderUsage {
  @Field()
  provider!: string;

  @Field(() => Int)
  requests!: number;

  @Field(() => SafeInt)
  tokens!: number;

  @Field(() => SafeInt, { description: "Micro-euros" })
  costMicros!: number;
}

@ObjectType("AiDayUsage")
export class AiDayUsage {
  @Field(() => GraphQLDate)
  date!: string;

  @Field(() => Int)
  requests!: number;

  @Field(() => SafeInt)
  tokens!: number;

  @Field(() => SafeInt)
  costMicros!: number;

  @Field(() => [AiProviderUsage])
  byProvider!: AiProviderUsage[];
}

@ObjectType("AiUsage", { description: "AI calls in the period (usage_logs); cost in micro-euros, whatever the currency asked" })
export class AiUsage {
  @Field(() => Int)
  requests!: number;

  @Field(() => SafeInt)
  tokens!: number;

  @Field(() => SafeInt)
  costMicros!: number;

  @Field(() => [AiProviderUsage])
  byProvider!: AiProviderUsage[];

  @Field(() => [AiDayUsage], { description: "Days with usage, oldest first" })
  byDay!: AiDayUsage[];
}
