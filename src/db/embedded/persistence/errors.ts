/** Another live process owns the data folder (or this process already opened it). */
export class DataDirLockedError extends Error {
  /** Undefined only when the owner neither answered on its lock socket nor left its pid in the lock file. */
  readonly ownerPid: number | undefined;
  readonly ownerUri?: string;

  /** Use heldByLockFile or heldBySocket, which word the message. */
  constructor(message: string, ownerPid: number | undefined, ownerUri: string | undefined) {
    super(message);
    this.name = "DataDirLockedError";
    this.ownerPid = ownerPid;
    if (ownerUri !== undefined) this.ownerUri = ownerUri;
  }

  /** The lock file names a live process (the only lock off Linux, and what engines before the lock socket hold). */
  static heldByLockFile(dir: string, lockFile: string, ownerPid: number, ownerUri?: string): DataDirLockedError {
    const where = ownerUri ? `; its engine listens at ${ownerUri}` : "";
    const connect = ownerUri ? `connect to ${ownerUri} instead of opening the files, or ` : "";
    return new DataDirLockedError(
      `Data folder ${dir} is already in use by process ${ownerPid}${where}. ` +
        `Only one process may open a data folder: ${connect}stop process ${ownerPid} first. ` +
        `If process ${ownerPid} is not a Chatello engine (the pid was reused after a crash), delete ${lockFile}.`,
      ownerPid,
      ownerUri,
    );
  }

  /**
   * Another process holds the folder's lock socket, which only its exit releases. Saying so matters: the usual
   * reflex of deleting mongod.lock is exactly what let two engines write the same files before.
   */
  static heldBySocket(dir: string, socketName: string, ownerPid?: number, ownerUri?: string): DataDirLockedError {
    const who =
      ownerPid === undefined ? `another process (the one listening on the abstract socket @${socketName.slice(1)})` : `process ${ownerPid}`;
    const engineAt = ownerUri === undefined ? "" : ` (engine at ${ownerUri})`;
    const stop = ownerPid === undefined ? "stop the other process first" : `stop the other process (pid ${ownerPid}) first`;
    const connect = ownerUri === undefined ? "" : `, or connect to ${ownerUri} instead`;
    return new DataDirLockedError(
      `Data folder ${dir} is in use by ${who}${engineAt}: ${stop}${connect}; deleting mongod.lock does not release the folder.`,
      ownerPid,
      ownerUri,
    );
  }
}

/** A snapshot or journal is damaged somewhere other than a torn last record; starting would silently lose data. */
export class DataDirCorruptError extends Error {
  readonly file: string;
  readonly offset: number;

  constructor(file: string, offset: number, problem: string, advice: string) {
    super(`${file} is corrupt at byte offset ${offset}: ${problem}. Refusing to open the data folder. ${advice}`);
    this.name = "DataDirCorruptError";
    this.file = file;
    this.offset = offset;
  }
}

/** The manifest says a journal or snapshot was written, but it is gone: starting would silently drop its changes. */
export class DataDirMissingFileError extends Error {
  readonly file: string;
  readonly manifest: string;

  constructor(dir: string, file: string, manifest: string) {
    super(
      `Data folder ${dir} is missing ${file}, which ${manifest} records as written: starting without it would ` +
        `silently lose the changes it held. Refusing to open; restore the data folder from a backup, ` +
        `or delete ${manifest} to start without those changes.`,
    );
    this.name = "DataDirMissingFileError";
    this.file = file;
    this.manifest = manifest;
  }
}
