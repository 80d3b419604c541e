import fs from 'node:fs';
import path from 'node:path';
import { writeFileDurably } from './durable-file';

const BLOCK_SIZE = 1000;

/**
 * Hands out producer ids that stay unique across restarts: ids are reserved in durable blocks, so
 * after a crash the next id starts past every id that may have been handed out.
 */
export class ProducerIdAllocator {
  private readonly file: string;
  private next: number;
  private reservedUpTo: number;

  constructor(dataDir: string, highestIdInLogs: number) {
    this.file = path.join(dataDir, 'producer-ids.json');
    const persisted = fs.existsSync(this.file)
      ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as { reservedUpTo: number }).reservedUpTo
      : 0;
    this.next = Math.max(persisted, highestIdInLogs + 1);
    this.reservedUpTo = this.next;
  }

  allocate(): number {
    if (this.next >= this.reservedUpTo) {
      this.reservedUpTo = this.next + BLOCK_SIZE;
      writeFileDurably(this.file, JSON.stringify({ reservedUpTo: this.reservedUpTo }));
    }
    return this.next++;
  }
}
