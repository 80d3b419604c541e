import type { Logger } from 'pino';

export type Closer = () => Promise<void> | void;

/**
 * Closes the given parts in reverse start order on SIGINT/SIGTERM, then exits. A second signal
 * exits at once, so an operator is never stuck behind a hung close.
 */
export function closeOnSignals(logger: Logger, closers: Closer[]): void {
  let closing = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    let code = 0;
    for (const close of [...closers].reverse()) {
      try {
        await close();
      } catch (error) {
        code = 1;
        logger.error({ err: error }, 'error while shutting down');
      }
    }
    logger.info('stopped');
    logger.flush?.();
    process.exit(code);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
