import { Length } from "class-validator";
import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../graphql/context";
import { parseId } from "../../graphql/ids";
import { actorOf } from "../../graphql/principal";
import { License } from "../licenses/license.model";
import { Admin, AdminRole } from "./admin.model";

@InputType()
export class CreateAdminTokenInput {
  @Field()
  @Length(1, 100)
  name!: string;

  @Field(() => AdminRole)
  role!: AdminRole;
}

@ObjectType({ description: "A new admin token: the only time it is shown" })
export class CreatedAdminToken {
  @Field()
  token!: string;

  @Field(() => Admin)
  admin!: Admin;
}

@ObjectType({ description: "Who is calling: an admin token, a license holder, or nobody" })
export class Viewer {
  @Field({ description: "anonymous, admin or license" })
  kind!: string;

  @Field(() => AdminRole, { nullable: true })
  role?: AdminRole;

  @Field(() => Admin, { nullable: true })
  admin?: Admin;

  @Field(() => License, { nullable: true })
  license?: License;
}

@Resolver()
export class AdminResolver {
  @Query(() => Viewer)
  viewer(@Ctx() ctx: GraphQLContext): Viewer {
    const { principal } = ctx;
    if (principal.kind === "admin") return { kind: "admin", role: principal.role, admin: principal.admin };
    if (principal.kind === "license") return { kind: "license", license: principal.license };
    return { kind: "anonymous" };
  }

  @Query(() => [Admin], { description: "Every admin token, revoked ones included" })
  admins(@Ctx() ctx: GraphQLContext): Promise<Admin[]> {
    return ctx.services.admins.list();
  }

  @Mutation(() => CreatedAdminToken)
  createAdminToken(@Arg("input") input: CreateAdminTokenInput, @Ctx() ctx: GraphQLContext): Promise<CreatedAdminToken> {
    return ctx.services.admins.create(input.name, input.role, actorOf(ctx.principal, ctx.ip));
  }

  @Mutation(() => Admin)
  revokeAdminToken(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Admin> {
    return ctx.services.admins.revoke(parseId(id), actorOf(ctx.principal, ctx.ip));
  }
}
