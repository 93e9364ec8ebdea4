import { index, modelOptions, mongoose, prop, Severity } from "@typegoose/typegoose";
import type { AiUsage } from "./ai-usage";
import type { CurrencyFigures } from "./analytics.figures";

/**
 * The figures of one UTC day, written once (shortly after the day ends) by one instance of the platform: the state at
 * the end of the day and the day's movements, per currency, and the day's AI usage. Unique on `date`: the first
 * instance's upsert inserts it, every other one finds it there, so several instances never write a day twice.
 * `currencies` and `ai` hold the service's own types (CurrencyFigures, AiUsage) as they are, so a snapshot reads
 * back exactly as the day was computed.
 */
@modelOptions({
  schemaOptions: { collection: "daily_snapshots" },
  options: { customName: "DailySnapshot", allowMixed: Severity.ALLOW },
})
@index({ date: 1 }, { unique: true })
export class DailySnapshot {
  readonly _id!: mongoose.Types.ObjectId;

  /** YYYY-MM-DD (UTC). */
  @prop({ required: true, type: () => String })
  date!: string;

  /** The instant the figures are at: the last millisecond of the day. */
  @prop({ required: true, type: () => Date })
  at!: Date;

  @prop({ required: true, type: () => mongoose.Schema.Types.Mixed })
  currencies!: CurrencyFigures[];

  @prop({ required: true, type: () => mongoose.Schema.Types.Mixed })
  ai!: AiUsage;

  /** When it was computed (after the day ended; later for a missed day filled in). */
  @prop({ required: true, type: () => Date })
  computed_at!: Date;

  /** The instance that wrote it (host/pid/random), for the operator. */
  @prop({ required: true, type: () => String })
  written_by!: string;
}
