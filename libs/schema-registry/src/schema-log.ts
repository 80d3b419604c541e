import type { LogRecord } from './log-records';

/** Where the registry keeps its records durably: read once at start, appended to on every change. */
export interface SchemaLog {
  /** Every record written so far, in order. */
  readAll(): Promise<LogRecord[]>;
  /** Resolves once the records are durable; the registry changes its state only after that. */
  append(records: LogRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** A log that lives only as long as the process: for unit tests and throwaway registries. */
export class InMemorySchemaLog implements SchemaLog {
  readonly records: LogRecord[] = [];

  async readAll(): Promise<LogRecord[]> {
    return [...this.records];
  }

  async append(records: LogRecord[]): Promise<void> {
    this.records.push(...structuredClone(records));
  }

  async close(): Promise<void> {}
}
