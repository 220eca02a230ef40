/**
 * The SD card, or a folder standing in for it. Calls are synchronous like
 * Espruino's `fs`; paths are relative to the card root and use `/`. Every
 * call throws when the card is missing or failing.
 */
export interface FileStore {
  /** Connect (or reconnect) the card; throws when it cannot. */
  mount(): void;
  /** Append text in one write. */
  append(path: string, text: string): void;
  /** Whole file as text, or null when missing. */
  read(path: string): string | null;
  /** Size in bytes, or -1 when missing. */
  size(path: string): number;
  /** Up to `bytes` bytes from the end of the file, or null when missing. */
  readTail(path: string, bytes: number): string | null;
  /** Up to `bytes` bytes from `offset` on, or null when missing. */
  readRange(path: string, offset: number, bytes: number): string | null;
  /** Cut the file to `bytes` bytes. */
  truncate(path: string, bytes: number): void;
  /** File names in a folder, or [] when it is missing. */
  list(dir: string): string[];
  mkdir(dir: string): void;
  write(path: string, text: string): void;
}
