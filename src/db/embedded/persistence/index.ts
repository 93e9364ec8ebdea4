export { DataDirectory, type DataDirectoryOptions } from "./data-dir";
export { DataDirCorruptError, DataDirLockedError, DataDirMissingFileError } from "./errors";
export type { JournalStats } from "./journal-writer";
export { readDataDirOwner } from "./lock-file";
export type { JournalOp, PersistenceLogger, RecoveredState, SnapshotCollection } from "./types";
