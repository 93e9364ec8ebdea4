import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";
import { Field, ID, ObjectType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

/** A site a license is active on. `site` is the normalised URL (plugin contract §5). */
@ObjectType("Activation")
@modelOptions({ schemaOptions: { collection: "activations" }, options: { customName: "Activation" } })
@index({ license_id: 1, site: 1 }, { unique: true })
export class Activation {
  @Field(() => ID, { name: "id" })
  readonly _id!: mongoose.Types.ObjectId;

  @prop({ required: true, type: () => mongoose.Types.ObjectId })
  license_id!: mongoose.Types.ObjectId;

  @Field()
  @prop({ required: true, type: () => String })
  site!: string;

  @Field({ name: "isDevelopment", description: "Development sites use no seat" })
  @prop({ required: true, type: () => Boolean, default: false })
  is_development!: boolean;

  @Field(() => DateTimeISO, { name: "activatedAt" })
  @prop({ required: true, type: () => Date })
  activated_at!: Date;

  @Field(() => DateTimeISO, { name: "lastSeenAt" })
  @prop({ required: true, type: () => Date })
  last_seen_at!: Date;
}
