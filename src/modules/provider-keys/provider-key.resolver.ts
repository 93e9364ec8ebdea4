import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../graphql/context";
import { actorOf } from "../../graphql/principal";
import { ApiKey } from "./api-key.model";

@Resolver()
export class ProviderKeyResolver {
  @Query(() => [ApiKey], { description: "The platform's provider keys (last 4 characters only)" })
  providerKeys(@Ctx() ctx: GraphQLContext): Promise<ApiKey[]> {
    return ctx.services.providerKeys.list();
  }

  @Mutation(() => ApiKey, { description: "Stores a provider API key, encrypted; only its last 4 characters are ever shown" })
  setProviderKey(@Arg("provider") provider: string, @Arg("apiKey") apiKey: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey> {
    return ctx.services.providerKeys.set(provider, apiKey, actorOf(ctx.principal, ctx.ip));
  }
}
