import fs from 'node:fs';

/** Replaces a file atomically and durably: write a temporary file, fsync it, rename it over. */
export function writeFileDurably(file: string, contents: string): void {
  const temporary = `${file}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, contents);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}
