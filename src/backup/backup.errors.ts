/** A backup operation refused or failed for a reason the operator can act on; the message is one line. */
export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BackupError";
  }
}

export type BackupFileProblem = "unreadable" | "not-a-backup" | "truncated" | "corrupted" | "newer-version";

/** The backup file cannot be used: the message names the file and the problem. */
export class BackupFileError extends BackupError {
  constructor(
    readonly problem: BackupFileProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "BackupFileError";
  }
}

/** An error's message; not `instanceof Error`, because errors from Node's own streams may come from another realm. */
export function messageOf(error: unknown): string {
  return typeof (error as { message?: unknown } | null)?.message === "string" ? (error as Error).message : String(error);
}
