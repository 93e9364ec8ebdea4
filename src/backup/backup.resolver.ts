import { Ctx, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../graphql/context";
import { BackupStatus } from "./backup-status.types";

@Resolver()
export class BackupResolver {
  @Query(() => BackupStatus, { description: "Scheduled backups: on or off, last, next, and the files kept" })
  backups(@Ctx() ctx: GraphQLContext): Promise<BackupStatus> {
    return ctx.services.backups.status();
  }
}
