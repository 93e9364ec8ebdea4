import { mongoose } from "@typegoose/typegoose";
import { badInput } from "../errors";

/** Parses a GraphQL ID into an ObjectId, with a clear error naming the argument. */
export function parseId(id: string, argument = "id"): mongoose.Types.ObjectId {
  if (!/^[0-9a-f]{24}$/i.test(id)) throw badInput(`${argument} is not a valid id`, { argument });
  return new mongoose.Types.ObjectId(id);
}
