import { modelOptions, mongoose, prop, Severity } from "@typegoose/typegoose";

/** One platform-wide setting, by name (`_id`): facts about the deployment itself, such as its secret's fingerprint. */
@modelOptions({
  schemaOptions: { collection: "settings", _id: false, timestamps: { createdAt: "created_at", updatedAt: "updated_at" } },
  options: { customName: "Setting", allowMixed: Severity.ALLOW },
})
export class Setting {
  @prop({ required: true, type: () => String })
  _id!: string;

  @prop({ required: true, type: () => mongoose.Schema.Types.Mixed })
  value!: unknown;

  created_at!: Date;
  updated_at!: Date;
}
