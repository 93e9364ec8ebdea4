import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { BackupFileError, messageOf } from "./backup.errors";

/** zlib's own error code for input that ends too early, as Node reports it on the gunzip stream. */
const ZLIB_TRUNCATED = "Z_BUF_ERROR";
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/**
 * The lines of a gzip file of text, read as a stream: memory holds one compressed chunk and one line at a time.
 * A line longer than `maxLineChars` stops the reading (see MAX_LINE_CHARS). Errors of the file or of the gzip stream
 * become BackupFileErrors that name the file and say what is wrong with it.
 */
export async function* gzipLines(file: string, maxLineChars: number): AsyncGenerator<string> {
  await checkGzipFile(file);
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on("error", (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  gunzip.setEncoding("utf8");
  // The part of a line seen so far, kept as chunks: joining them only once the line ends keeps a long line linear.
  let partial: string[] = [];
  let partialChars = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      let start = 0;
      for (let end = chunk.indexOf("\n"); end !== -1; end = chunk.indexOf("\n", start)) {
        const piece = chunk.slice(start, end);
        yield partial.length === 0 ? piece : partial.join("") + piece;
        partial = [];
        partialChars = 0;
        start = end + 1;
      }
      if (start < chunk.length) {
        partial.push(chunk.slice(start));
        partialChars += chunk.length - start;
        if (partialChars > maxLineChars) {
          throw new BackupFileError("corrupted", `${file} is corrupted: it holds a line longer than any document can be`);
        }
      }
    }
  } catch (error) {
    throw describeReadError(file, error);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  // The writer ends every line, the last one included.
  if (partialChars > 0) throw new BackupFileError("truncated", `${file} is truncated: its last line is incomplete`);
}

/** Tells "not a backup at all" (empty, or not gzip) apart from a damaged one before reading it. */
async function checkGzipFile(file: string): Promise<void> {
  let magic: Buffer;
  try {
    const handle = await open(file, "r");
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(GZIP_MAGIC.length), 0, GZIP_MAGIC.length, 0);
      magic = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw describeReadError(file, error);
  }
  if (magic.length === 0) throw new BackupFileError("not-a-backup", `${file} is not a Chatello backup: it is empty`);
  if (!magic.equals(GZIP_MAGIC)) throw new BackupFileError("not-a-backup", `${file} is not a Chatello backup: it is not a gzip file`);
}

function describeReadError(file: string, error: unknown): Error {
  if (error instanceof BackupFileError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const message = messageOf(error);
  if (code === ZLIB_TRUNCATED) {
    return new BackupFileError("truncated", `${file} is truncated: the compressed data ends early`, { cause: error });
  }
  if (code.startsWith("Z_")) {
    return new BackupFileError("corrupted", `${file} is corrupted: the compressed data is damaged (${message})`, { cause: error });
  }
  return new BackupFileError("unreadable", `cannot read ${file}: ${message}`, { cause: error });
}
