import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../graphql/context";
import { actorOf } from "../../graphql/principal";
import { ApiKey } from "./api-key.model";
import { ProviderKeySource, ProviderKeyTest } from "./provider-key-test.types";

@Resolver()
export class ProviderKeyResolver {
  @Query(() => [ApiKey], { description: "The platform's provider keys (last 4 characters only)" })
  providerKeys(@Ctx() ctx: GraphQLContext): Promise<ApiKey[]> {
    return ctx.services.providerKeys.list();
  }

  @Query(() => [ProviderKeySource], { description: "Per provider, whether AI calls use a stored key, the environment's, or none" })
  providerKeySources(@Ctx() ctx: GraphQLContext): Promise<ProviderKeySource[]> {
    return ctx.services.providerKeyTester.sources();
  }

  @Mutation(() => ApiKey, { description: "Stores a provider API key, encrypted; only its last 4 characters are ever shown" })
  setProviderKey(@Arg("provider") provider: string, @Arg("apiKey") apiKey: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey> {
    return ctx.services.providerKeys.set(provider, apiKey, actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => ProviderKeyTest, {
    description: "Sends the smallest real call (1 output token, the default model) with the key the platform uses for a provider",
  })
  testProviderKey(@Arg("provider") provider: string, @Ctx() ctx: GraphQLContext): Promise<ProviderKeyTest> {
    return ctx.services.providerKeyTester.test(provider, actorOf(ctx.principal, ctx.ip));
  }
}
