import type { AppSecretOrigin } from "../../config";
import type { Models } from "../../db/models";
import { isDuplicateKey } from "../../errors";
import { digestsEqual, type Secrets } from "../../security/secrets";

const FINGERPRINT_SETTING = "app_secret_fingerprint";

/** The configured secret is not the one the database's keys were made with. The message is one line for the operator. */
export class AppSecretMismatchError extends Error {
  constructor(origin: AppSecretOrigin) {
    super(describe(origin));
    this.name = "AppSecretMismatchError";
  }
}

/**
 * Refuses a secret other than the one the database was made with: license keys are found by a digest keyed with
 * it and stored encrypted with it, so another secret silently makes every key unknown. The first start records the
 * secret's fingerprint in `settings`; a database from before that is checked by decrypting one stored key.
 */
export async function checkAppSecret(models: Models, secrets: Secrets, origin: AppSecretOrigin): Promise<void> {
  const stored = await models.Setting.findById(FINGERPRINT_SETTING).lean().exec();
  if (stored) {
    if (!digestsEqual(String(stored.value), secrets.fingerprint)) throw new AppSecretMismatchError(origin);
    return;
  }
  if (!(await decryptsStoredKey(models, secrets))) throw new AppSecretMismatchError(origin);
  try {
    await models.Setting.create({ _id: FINGERPRINT_SETTING, value: secrets.fingerprint });
  } catch (error) {
    // Another instance booting at the same moment recorded it first: it must be the same secret.
    if (!isDuplicateKey(error)) throw error;
    await checkAppSecret(models, secrets, origin);
  }
}

async function decryptsStoredKey(models: Models, secrets: Secrets): Promise<boolean> {
  const [license, apiKey] = await Promise.all([
    models.License.findOne({}, { key_encrypted: 1 }).lean().exec(),
    models.ApiKey.findOne({}, { key_encrypted: 1 }).lean().exec(),
  ]);
  const encrypted = license?.key_encrypted ?? apiKey?.key_encrypted;
  if (encrypted === undefined) return true;
  try {
    secrets.decrypt(encrypted);
    return true;
  } catch {
    return false;
  }
}

function describe(origin: AppSecretOrigin): string {
  const consequence = "with another secret every stored license key would be unknown";
  if (origin.kind === "environment")
    return `APP_SECRET is not the secret this database was made with (${consequence}): set APP_SECRET to the original secret`;
  if (origin.createdNow) {
    return `${origin.path} was missing, and this database was made with another secret (${consequence}): restore ${origin.path} from a backup, or set APP_SECRET to the original secret`;
  }
  return `${origin.path} does not hold the secret this database was made with (${consequence}): restore ${origin.path} from a backup, or set APP_SECRET to the original secret`;
}
