import type { Logger } from 'pino';

export type Closer = () => Promise<void> | void;

/** Shuts the process down in order because a part failed for good; it exits with code 1. */
export type FailAndClose = (error: Error) => void;

/**
 * Closes the given parts in reverse start order on SIGINT/SIGTERM, then exits. A second signal
 * exits at once, so an operator is never stuck behind a hung close. The function returned does the
 * same for a part that failed for good (e.g. a projector whose checkpoints are past its log): the
 * error is logged and the process exits with code 1 instead of running on without that part.
 */
export function closeOnSignals(logger: Logger, closers: Closer[]): FailAndClose {
  let closing = false;
  const shutDown = async (code: number) => {
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
  const onSignal = async (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    await shutDown(0);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return (error) => {
    if (closing) return;
    closing = true;
    logger.fatal({ err: error }, `stopping: ${error.message}`);
    void shutDown(1);
  };
}
