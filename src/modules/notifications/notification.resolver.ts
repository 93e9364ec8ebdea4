import { Arg, Args, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from "type-graphql";
import { connectionType, PageArgs, toConnection, type ConnectionShape } from "../../graphql/connection";
import type { GraphQLContext } from "../../graphql/context";
import { parseId } from "../../graphql/ids";
import { DeliveryStatus, Notification, NotificationKind } from "./notification.model";
import type { NotificationFilter } from "./notification-outbox.service";

export const NotificationConnection = connectionType("Notification", Notification);

@InputType()
export class NotificationFilterInput {
  @Field(() => NotificationKind, { nullable: true })
  kind?: NotificationKind;

  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => ID, { nullable: true })
  licenseId?: string;

  @Field(() => DeliveryStatus, { nullable: true, description: "Messages whose webhook or e-mail delivery has this status" })
  status?: DeliveryStatus;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: only messages with a delivery whose last attempt failed and that waits for its next one (retryable)",
  })
  failing?: boolean;
}

function toFilter(filter: NotificationFilterInput | undefined): NotificationFilter {
  return {
    kind: filter?.kind,
    customerId: filter?.customerId ? parseId(filter.customerId, "filter.customerId") : undefined,
    licenseId: filter?.licenseId ? parseId(filter.licenseId, "filter.licenseId") : undefined,
    status: filter?.status,
    failing: filter?.failing ?? undefined,
  };
}

@Resolver(() => Notification)
export class NotificationResolver {
  @Query(() => NotificationConnection, { description: "The notifications outbox with each message's delivery state, newest first" })
  async notifications(
    @Arg("filter", () => NotificationFilterInput, { nullable: true }) filter: NotificationFilterInput | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Notification>> {
    return toConnection(await ctx.services.notifications.list(toFilter(filter), page));
  }

  // Left to the worker's next pass (within 3 s), as retryWebhookEvent: the answer shows the delivery made due.
  @Mutation(() => Notification, { description: "Makes the message's pending (waiting or failed) deliveries due now" })
  retryNotification(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Notification> {
    return ctx.services.notificationDelivery.retry(parseId(id));
  }
}
