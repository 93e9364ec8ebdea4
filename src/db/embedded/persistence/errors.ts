/** Another live process owns the data folder (or this process already opened it). */
export class DataDirLockedError extends Error {
  readonly ownerPid: number;
  readonly ownerUri?: string;

  constructor(dir: string, lockFile: string, ownerPid: number, ownerUri?: string) {
    const where = ownerUri ? `; its engine listens at ${ownerUri}` : "";
    const connect = ownerUri ? `connect to ${ownerUri} instead of opening the files, or ` : "";
    super(
      `Data folder ${dir} is already in use by process ${ownerPid}${where}. ` +
        `Only one process may open a data folder: ${connect}stop process ${ownerPid} first. ` +
        `If process ${ownerPid} is not a Chatello engine (the pid was reused after a crash), delete ${lockFile}.`,
    );
    this.name = "DataDirLockedError";
    this.ownerPid = ownerPid;
    if (ownerUri !== undefined) this.ownerUri = ownerUri;
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
