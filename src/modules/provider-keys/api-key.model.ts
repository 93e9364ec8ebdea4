import { index, modelOptions, mongoose, prop } from "@typegoose/typegoose";
import { Field, Int, ObjectType } from "type-graphql";
import { DateTimeISO } from "../../graphql/scalars";

/** A provider credential (OpenAI, Anthropic, DeepSeek), AES-256-GCM-encrypted; only its last 4 characters are shown. */
@ObjectType("ProviderKey")
@modelOptions({
  schemaOptions: { collection: "api_keys", timestamps: { createdAt: "created_at", updatedAt: "updated_at" } },
  options: { customName: "ApiKey" },
})
@index({ provider: 1 }, { unique: true })
export class ApiKey {
  readonly _id!: mongoose.Types.ObjectId;

  @Field()
  @prop({ required: true, type: () => String })
  provider!: string;

  @prop({ required: true, type: () => String })
  key_encrypted!: string;

  @Field({ name: "keyLast4" })
  @prop({ required: true, type: () => String })
  key_last4!: string;

  @Field({ name: "isActive" })
  @prop({ required: true, type: () => Boolean, default: true })
  is_active!: boolean;

  @Field(() => Int, { name: "usageCount", description: "Uses on record (imported) plus the provider calls logged since the key was saved" })
  @prop({ type: () => Number, default: 0 })
  usage_count!: number;

  @Field(() => DateTimeISO, { name: "lastUsed", nullable: true, description: "The last provider call with this key" })
  @prop({ type: () => Date, default: null })
  last_used?: Date | null;

  @Field(() => DateTimeISO, { name: "updatedAt" })
  updated_at!: Date;
}
