import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * One structured JSON logger per process; components take children with their own `component` field.
 * STRATA_LOG_PRETTY=1 renders for humans during development.
 */
export function createLogger(level: string = process.env.STRATA_LOG_LEVEL ?? 'info'): Logger {
  const pretty = process.env.STRATA_LOG_PRETTY === '1';
  return pino(
    {
      level,
      base: { pid: process.pid },
      transport: pretty ? { target: 'pino-pretty', options: { destination: 2 } } : undefined,
    },
    pretty ? undefined : pino.destination(2),
  );
}
