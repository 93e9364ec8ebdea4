import { Field, Int, ObjectType } from "type-graphql";

@ObjectType("ProviderKeyTest", { description: "The answer to a one-token call with the key the platform would use for a provider" })
export class ProviderKeyTest {
  @Field()
  provider!: string;

  @Field({ description: "The provider answered the call" })
  ok!: boolean;

  @Field({ description: "The model asked for: the provider's default (its cheapest)" })
  model!: string;

  @Field(() => Int, { description: "From sending the call to the whole answer, in milliseconds (0 when nothing was sent)" })
  latencyMs!: number;

  @Field({ description: "stored (setProviderKey), environment (*_API_KEY) or none" })
  keySource!: string;

  @Field({ description: "What happened, in words; the provider's own message when it refused (never the key)" })
  message!: string;
}
