import { IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min, ValidateNested, ArrayMaxSize, ArrayMinSize } from "class-validator";
import { Field, Float, InputType, Int, ObjectType } from "type-graphql";
import { JSONObject, SafeInt } from "../graphql/scalars";
import { PROVIDERS } from "./providers";

@InputType({ description: "One message of a conversation" })
export class ChatMessageInput {
  @Field({ description: "system, user or assistant" })
  @IsIn(["system", "user", "assistant"])
  role!: string;

  @Field()
  @IsString()
  @Length(0, 1_000_000)
  content!: string;
}

@InputType({ description: "A chat call on the platform's provider keys, within the plan's limits (as POST /api/chat)" })
export class ChatInput {
  @Field(() => [ChatMessageInput])
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  messages!: ChatMessageInput[];

  @Field({ defaultValue: "openai", description: "openai, anthropic or deepseek" })
  @IsIn(PROVIDERS)
  provider!: string;

  @Field(() => String, { nullable: true, description: "Default: the provider's default model; must be allowed by the plan" })
  @IsOptional()
  @IsString()
  model?: string | null;

  @Field(() => Int, { nullable: true, description: "Default 1000; clamped to the plan's maxTokens" })
  @IsOptional()
  @IsInt()
  @Min(1)
  maxTokens?: number | null;

  @Field(() => Float, { nullable: true, description: "Default 0.7" })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number | null;
}

@ObjectType({ description: "What a chat call used and cost" })
export class ChatUsageFigures {
  @Field(() => Int)
  promptTokens!: number;

  @Field(() => Int)
  completionTokens!: number;

  @Field(() => Int)
  tokens!: number;

  @Field(() => SafeInt, { description: "Cost in micro-euros" })
  costMicros!: number;

  @Field(() => Float, { description: "Cost in euros, rounded to 4 decimals" })
  costEur!: number;

  @Field(() => Int, { description: "Wall time of the provider call" })
  responseTimeMs!: number;
}

@ObjectType({ description: "The answer of a chat call" })
export class ChatResult {
  @Field({ description: "The answer text" })
  text!: string;

  @Field()
  provider!: string;

  @Field({ description: "The model actually called" })
  model!: string;

  @Field(() => JSONObject, { description: "The provider's response body, unchanged" })
  response!: Record<string, unknown>;

  @Field(() => ChatUsageFigures)
  usage!: ChatUsageFigures;
}
