import type { Document } from "bson";
import { FrameCursor } from "./frame-cursor";
import { HEADER_BYTES } from "./header";

export interface OpQueryMessage {
  kind: "query";
  requestId: number;
  fullCollectionName: string;
  numberToSkip: number;
  numberToReturn: number;
  query: Document;
}

/**
 * Drivers only use OP_QUERY for the first handshake (`ismaster` on admin.$cmd), so only what a command needs is
 * kept: the flags (tailable, slaveOk, ...) and the field selector mean nothing for a command.
 */
export function decodeOpQuery(frame: Buffer, requestId: number): OpQueryMessage {
  const cursor = new FrameCursor(frame, HEADER_BYTES, frame.length);
  cursor.int32(); // flags
  const fullCollectionName = cursor.cstring();
  const numberToSkip = cursor.int32();
  const numberToReturn = cursor.int32();
  const query = cursor.document();
  if (cursor.remaining > 0) cursor.document(); // returnFieldsSelector
  cursor.expectEnd("OP_QUERY");
  return { kind: "query", requestId, fullCollectionName, numberToSkip, numberToReturn, query: unwrapQuery(query) };
}

/** Legacy clients wrap a command as `{ $query: {...}, $readPreference: ... }` when they add modifiers. */
function unwrapQuery(query: Document): Document {
  const inner: unknown = query.$query;
  return isDocument(inner) ? inner : query;
}

/** Embedded BSON documents decode to plain objects; Date, ObjectId, arrays and the like do not qualify. */
function isDocument(value: unknown): value is Document {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
