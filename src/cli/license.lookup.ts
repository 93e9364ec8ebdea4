import { mongoose } from "@typegoose/typegoose";
import { DomainError } from "../errors";
import type { License } from "../modules/licenses/license.model";
import type { Services } from "../services";

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/**
 * The license an operator names by its id (24 hex digits, as GraphQL shows it) or by its full key (exact, through
 * the same keyed-digest lookup as validation). The argument is never echoed: it may be a key.
 */
export async function findLicense(services: Services, keyOrId: string): Promise<License> {
  const text = keyOrId.trim();
  if (OBJECT_ID.test(text)) return services.licenses.get(new mongoose.Types.ObjectId(text));
  const license = await services.licenses.findByKey(text);
  if (!license) throw new DomainError("NOT_FOUND", "No license has this key (a license id is 24 hexadecimal characters)");
  return license;
}
