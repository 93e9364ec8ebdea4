import type { Document } from "bson";

/** mongod's error codes and names for the errors the engine can raise (drivers and mongoose read code/codeName/labels). */
const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  Unauthorized: 13,
  NamespaceNotFound: 26,
  PathNotViable: 28,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  WriteConflict: 112,
  CannotCreateIndex: 67,
  CommandFailed: 125,
  TransactionTooOld: 225,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  OperationNotSupportedInTransaction: 263,
  Location31254: 31254,
  DuplicateKey: 11000,
  MaxTimeMSExpired: 50,
  BSONObjectTooLarge: 10334,
  Location17419: 17419,
  Location17420: 17420,
  Location31024: 31024,
  Location51075: 51075,
  Location51091: 51091,
  Location51103: 51103,
  Location51104: 51104,
  Location51105: 51105,
  Location51106: 51106,
  Location51107: 51107,
  Location51108: 51108,
  Location51109: 51109,
  Location51110: 51110,
  Location51111: 51111,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

/** An error answered to the client as `{ ok: 0, errmsg, code, codeName, errorLabels?, ...extra }`. */
export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly errorLabels: string[];
  readonly extra: Document;

  constructor(codeName: ErrorCodeName, message: string, options: { labels?: string[]; extra?: Document } = {}) {
    super(message);
    this.name = "CommandError";
    this.codeName = codeName;
    this.code = ErrorCodes[codeName];
    this.errorLabels = options.labels ?? [];
    this.extra = options.extra ?? {};
  }

  toReply(): Document {
    const reply: Document = { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
    if (this.errorLabels.length > 0) reply.errorLabels = this.errorLabels;
    return reply;
  }

  /** The shape of one entry of `writeErrors` in an insert/update/delete reply. */
  toWriteError(index: number): Document {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export function badValue(message: string): CommandError {
  return new CommandError("BadValue", message);
}

export function failedToParse(message: string): CommandError {
  return new CommandError("FailedToParse", message);
}

/**
 * Maps an error thrown by mingo (plain messages) or by our own code to a CommandError with mongod's code.
 * The driver and mongoose only look at code, codeName and labels, so the message is kept as mingo wrote it.
 */
export function toCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/conflict/i.test(message)) return new CommandError("ConflictingUpdateOperators", message);
  if (/immutable field/i.test(message)) return new CommandError("ImmutableField", message);
  if (/non-numeric|must be a number|numeric type/i.test(message)) return new CommandError("TypeMismatch", message);
  if (/unknown|unregistered|not supported|invalid|unrecognized/i.test(message)) return new CommandError("BadValue", message);
  return new CommandError("BadValue", message);
}
