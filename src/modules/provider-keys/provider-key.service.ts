import { PROVIDERS } from "../../ai/providers";
import type { Models } from "../../db/models";
import { badInput } from "../../errors";
import { lastFour, type Secrets } from "../../security/secrets";
import type { ActivityService, Actor } from "../activity/activity.service";
import type { ApiKey } from "./api-key.model";

/** The platform's own provider credentials, AES-256-GCM-encrypted; only the last 4 characters ever leave. */
export class ProviderKeyService {
  constructor(
    private readonly models: Models,
    private readonly secrets: Secrets,
    private readonly activity: ActivityService,
    /** Told when a key changes, so that this instance's AI calls use it at once. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  async set(provider: string, apiKey: string, actor: Actor): Promise<ApiKey> {
    if (!(PROVIDERS as readonly string[]).includes(provider)) throw badInput(`provider must be one of ${PROVIDERS.join(", ")}`);
    const key = apiKey.trim();
    if (key.length < 8 || key.length > 500) throw badInput("apiKey must be 8 to 500 characters");
    const saved = await this.models.ApiKey.findOneAndUpdate(
      { provider },
      // A new key has not been used yet: its uses are counted from now (list()).
      {
        $set: { key_encrypted: this.secrets.encrypt(key), key_last4: lastFour(key), is_active: true, usage_count: 0, last_used: null },
      },
      { upsert: true, returnDocument: "after" },
    )
      .lean<ApiKey>()
      .exec();
    this.onChange();
    await this.activity.record(actor, { action: "provider_key.set", details: { provider, keyLast4: lastFour(key) } });
    return saved as ApiKey;
  }

  /**
   * The stored keys with their use: the count and last use on record (imported from the old server, or 0) plus the
   * provider calls logged since the key was saved (usage_logs, one document per call). A key saved here wins over
   * the environment's, so every call to its provider since then used it.
   */
  async list(): Promise<ApiKey[]> {
    const keys = await this.models.ApiKey.find({}).sort({ provider: 1 }).lean<ApiKey[]>().exec();
    if (keys.length === 0) return keys;
    const calls = await this.models.UsageLog.aggregate<{ _id: string; calls: number; last: Date }>([
      { $match: { $or: keys.map((key) => ({ provider: key.provider, created_at: { $gte: key.updated_at } })) } },
      { $group: { _id: "$provider", calls: { $sum: 1 }, last: { $max: "$created_at" } } },
    ]).exec();
    return keys.map((key) => {
      const since = calls.find((entry) => entry._id === key.provider);
      if (!since) return key;
      const lastUsed = key.last_used && key.last_used > since.last ? key.last_used : since.last;
      return { ...key, usage_count: (key.usage_count ?? 0) + since.calls, last_used: lastUsed };
    });
  }
}
