import { Arg, Args, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from "type-graphql";
import { MaxLength } from "class-validator";
import { connectionType, PageArgs, toConnection, type ConnectionShape } from "../../graphql/connection";
import type { GraphQLContext } from "../../graphql/context";
import { parseId } from "../../graphql/ids";
import { WebhookEvent, WebhookEventStatus } from "./webhook-event.model";

export const WebhookEventConnection = connectionType("WebhookEvent", WebhookEvent);

@InputType()
export class WebhookEventFilterInput {
  @Field(() => WebhookEventStatus, { nullable: true })
  status?: WebhookEventStatus;

  @Field(() => String, { nullable: true, description: "A Paddle event type, e.g. subscription.updated" })
  @MaxLength(200)
  eventType?: string;

  @Field(() => Boolean, { nullable: true, description: "true: only events that need an operator (attention set)" })
  needsAttention?: boolean;
}

@Resolver(() => WebhookEvent)
export class WebhookEventResolver {
  @Query(() => WebhookEventConnection, { description: "Received webhook events (Paddle), newest first" })
  async webhookEvents(
    @Arg("filter", () => WebhookEventFilterInput, { nullable: true }) filter: WebhookEventFilterInput | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<WebhookEvent>> {
    return toConnection(
      await ctx.services.webhookEvents.list(
        { status: filter?.status, eventType: filter?.eventType, needsAttention: filter?.needsAttention },
        page,
      ),
    );
  }

  // Left to the worker's next pass (within 5 s), so the mutation's answer is the whole of its effect.
  @Mutation(() => WebhookEvent, { description: "Puts a failed event back in line: the worker tries it again within seconds" })
  retryWebhookEvent(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<WebhookEvent> {
    return ctx.services.webhookEvents.retry(parseId(id));
  }
}
