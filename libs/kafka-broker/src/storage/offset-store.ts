import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeFileDurably } from './durable-file';
import type { SyncScheduler } from './sync-scheduler';

const fsync = promisify(fs.fsync);

export interface CommittedOffset {
  offset: number;
  metadata: string;
}

interface CommitLine {
  group: string;
  topic: string;
  partition: number;
  offset: number;
  metadata: string;
}

const partitionKey = (topic: string, partition: number) => `${partition}\u0000${topic}`;

/**
 * Committed group offsets: an append-only JSON-lines file, fsynced (group-committed) before a commit
 * is acknowledged, compacted to the live entries on every start. A torn last line is ignored.
 */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, CommitLine>>();
  private readonly file: string;
  private fd: number;

  constructor(
    dataDir: string,
    private readonly syncScheduler: SyncScheduler,
  ) {
    this.file = path.join(dataDir, 'group-offsets.jsonl');
    if (fs.existsSync(this.file)) {
      for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
        const commit = parseLine(line);
        if (commit) this.remember(commit);
      }
    }
    this.fd = this.rewrite();
  }

  /** Stores the commits and resolves once they are durable. */
  async commit(group: string, commits: Omit<CommitLine, 'group'>[]): Promise<void> {
    if (commits.length === 0) return;
    const lines = commits.map((commit) => ({ group, ...commit }));
    for (const line of lines) this.remember(line);
    fs.writeSync(this.fd, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    await this.syncScheduler.sync(this);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(partitionKey(topic, partition));
  }

  /** Every committed partition of a group, by topic. */
  committedPartitions(group: string): Map<string, number[]> {
    const byTopic = new Map<string, number[]>();
    for (const commit of this.groups.get(group)?.values() ?? []) {
      byTopic.set(commit.topic, [...(byTopic.get(commit.topic) ?? []), commit.partition]);
    }
    return byTopic;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  /** Forgets a deleted topic's offsets everywhere (as Kafka does), compacting the file. */
  forgetTopic(topic: string): void {
    for (const [group, commits] of this.groups) {
      for (const [key, commit] of commits) if (commit.topic === topic) commits.delete(key);
      if (commits.size === 0) this.groups.delete(group);
    }
    fs.closeSync(this.fd);
    this.fd = this.rewrite();
  }

  sync(): Promise<void> {
    return fsync(this.fd);
  }

  close(): void {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }

  private remember(commit: CommitLine): void {
    let commits = this.groups.get(commit.group);
    if (!commits) this.groups.set(commit.group, (commits = new Map()));
    commits.set(partitionKey(commit.topic, commit.partition), commit);
  }

  private rewrite(): number {
    const live = [...this.groups.values()].flatMap((commits) => [...commits.values()]);
    writeFileDurably(this.file, live.map((line) => `${JSON.stringify(line)}\n`).join(''));
    return fs.openSync(this.file, 'a');
  }
}

function parseLine(line: string): CommitLine | undefined {
  if (line.trim() === '') return undefined;
  try {
    return JSON.parse(line) as CommitLine;
  } catch {
    return undefined; // torn by a crash mid-write; it was never acknowledged
  }
}
