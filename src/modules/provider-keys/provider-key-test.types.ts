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

@ObjectType("ProviderKeySource", { description: "Which key the platform uses for a provider's AI calls (nothing is decrypted)" })
export class ProviderKeySource {
  @Field()
  provider!: string;

  @Field({ description: "stored (setProviderKey, wins), environment (*_API_KEY) or none (calls to it fail)" })
  keySource!: string;

  @Field({ description: "The model used when a request names none, and by testProviderKey" })
  defaultModel!: string;
}
