import { index, modelOptions, mongoose, prop, Severity } from "@typegoose/typegoose";
import { Field, ID, ObjectType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

/** The audit log: every admin mutation and every license state change, with who did it. */
@ObjectType("ActivityEntry")
@modelOptions({ schemaOptions: { collection: "activity_logs" }, options: { customName: "ActivityLog", allowMixed: Severity.ALLOW } })
@index({ license_id: 1, _id: -1 })
@index({ customer_id: 1, _id: -1 })
@index({ action: 1, _id: -1 })
@index({ actor: 1, _id: -1 })
export class ActivityLog {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @Field({ description: "admin:<id>, license:<id>, paddle or system" })
  @prop({ required: true, type: () => String })
  actor!: string;

  @Field()
  @prop({ required: true, type: () => String })
  action!: string;

  @prop({ type: () => mongoose.Types.ObjectId, default: null })
  license_id?: mongoose.Types.ObjectId | null;

  @prop({ type: () => mongoose.Types.ObjectId, default: null })
  customer_id?: mongoose.Types.ObjectId | null;

  @prop({ type: () => mongoose.Schema.Types.Mixed, default: {} })
  details!: Record<string, unknown>;

  @Field(() => String, { name: "ipAddress", nullable: true })
  @prop({ type: () => String, default: null })
  ip_address?: string | null;

  @Field(() => DateTimeISO, { name: "createdAt" })
  @prop({ required: true, type: () => Date, default: () => new Date() })
  created_at!: Date;
}
