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
      { $set: { key_encrypted: this.secrets.encrypt(key), key_last4: lastFour(key), is_active: true } },
      { upsert: true, returnDocument: "after" },
    )
      .lean<ApiKey>()
      .exec();
    this.onChange();
    await this.activity.record(actor, { action: "provider_key.set", details: { provider, keyLast4: lastFour(key) } });
    return saved as ApiKey;
  }

  list(): Promise<ApiKey[]> {
    return this.models.ApiKey.find({}).sort({ provider: 1 }).lean<ApiKey[]>().exec();
  }
}
