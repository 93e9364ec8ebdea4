import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

export enum AdminRole {
  owner = "owner",
  admin = "admin",
  support = "support",
  readonly = "readonly",
}
registerEnumType(AdminRole, {
  name: "AdminRole",
  description:
    "owner: everything; admin: customers, licenses, plans, payments; support: read, suspend/reactivate, reveal keys; readonly: read",
});

/** An admin API token. Only its SHA-256 digest is stored; the token is shown once, at creation. */
@ObjectType("AdminToken")
@modelOptions({ schemaOptions: { collection: "admins" }, options: { customName: "Admin" } })
@index({ token_digest: 1 }, { unique: true })
export class Admin {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @Field()
  @prop({ required: true, type: () => String })
  name!: string;

  @Field(() => AdminRole)
  @prop({ required: true, enum: AdminRole, type: () => String })
  role!: AdminRole;

  @prop({ required: true, type: () => String })
  token_digest!: string;

  @Field({ name: "tokenPrefix", description: "The token's visible start, e.g. chk_o_AB12" })
  @prop({ required: true, type: () => String })
  token_prefix!: string;

  @Field(() => DateTimeISO, { name: "createdAt" })
  @prop({ required: true, type: () => Date, default: () => new Date() })
  created_at!: Date;

  @Field(() => DateTimeISO, { name: "lastUsedAt", nullable: true })
  @prop({ type: () => Date, default: null })
  last_used_at?: Date | null;

  @Field(() => DateTimeISO, { name: "revokedAt", nullable: true })
  @prop({ type: () => Date, default: null })
  revoked_at?: Date | null;
}
