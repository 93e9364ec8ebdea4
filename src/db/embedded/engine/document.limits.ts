import { BSON, type Document } from "bson";
import { CommandError } from "./errors";

/** mongod's largest user document (BSONObjMaxUserSize): 16 MiB as BSON. */
export const MAX_USER_DOCUMENT_BYTES = 16 * 1024 * 1024;

export type DocumentOrigin = "insert" | "update" | "upsert";

/**
 * Refuses a document over 16 MiB, with the code and message mongod gives for where it came from: an insert
 * (BadValue), the result of an update or replacement (17419), or a document an upsert would create (17420).
 * The wire layer already refused any single BSON document over 16 MiB + 16 KiB (BSONObjectTooLarge); this catches
 * what got past it, and what an update made grow.
 */
export function checkDocumentSize(doc: Document, origin: DocumentOrigin): void {
  const size = BSON.calculateObjectSize(doc, { ignoreUndefined: false });
  if (size <= MAX_USER_DOCUMENT_BYTES) return;
  if (origin === "insert") {
    throw new CommandError("BadValue", `object to insert too large. size in bytes: ${size}, max size: ${MAX_USER_DOCUMENT_BYTES}`);
  }
  if (origin === "update")
    throw new CommandError("Location17419", `Resulting document after update is larger than ${MAX_USER_DOCUMENT_BYTES}`);
  throw new CommandError("Location17420", `Document to upsert is larger than ${MAX_USER_DOCUMENT_BYTES}`);
}
