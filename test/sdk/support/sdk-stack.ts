import type { Knex } from 'knex';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { Author } from '@strata/contracts';
import { createKnex } from '@strata/database';
import { createKafka } from '@strata/kafka';
import {
  connectStrataProducer,
  type BatchingOptions,
  type EnvelopeDefaults,
  type StrataProducer,
} from '@strata/sdk';
import { startTestStack, type TestStack } from '@strata/testing';
import { startProjector, type RunningProjector } from '../../../apps/projector/src/start';
import { liveSchema, logEnds, waitForCheckpoints } from '../../projector/support';
import { ensureStrataTopics } from './topics';

export const testLogger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });

export interface SdkStackOptions {
  /** Readable part of the database name. */
  label: string;
  /** Namespace of the suite's events. */
  namespace: string;
  /** Who the suite's events say caused them; default the service named by the label. */
  actor?: EnvelopeDefaults['actor'];
  batching?: BatchingOptions;
  /** Run the real projector (apps/projector) into the stack's database; default false. */
  projector?: boolean | { metricsPort: number };
}

/** A test stack with the event topics, an SDK producer and, when asked, the live projector. */
export interface SdkStack {
  stack: TestStack;
  producer: StrataProducer;
  /** A pool on the stack's database (the projector's own). */
  knex: Knex;
  /** The running projector, when asked for. */
  projector?: RunningProjector;
  /** Waits until the projector's live build holds every record in the log now; returns its schema. */
  projected(): Promise<string>;
  stop(): Promise<void>;
}

export async function startSdkStack(options: SdkStackOptions): Promise<SdkStack> {
  const stack = await startTestStack({ label: options.label, logger: testLogger });
  const knex = createKnex(stack.databaseUrl, { max: 4 });
  const stoppers: (() => Promise<void>)[] = [() => stack.stop(), () => knex.destroy()];
  const stop = async () => {
    for (const stopper of stoppers.splice(0).reverse()) await stopper();
  };
  try {
    await ensureStrataTopics(stack.brokers, testLogger);
    let projector: RunningProjector | undefined;
    if (options.projector) {
      projector = await startProjector({
        brokers: stack.brokers,
        registryUrl: stack.registryUrl,
        knex,
        logger: testLogger,
        groupId: stack.uniqueName('projector'),
        liveBuildPollMs: 200,
        ...(typeof options.projector === 'object'
          ? { metricsPort: options.projector.metricsPort, host: '127.0.0.1' }
          : {}),
      });
      stoppers.push(() => projector!.stop());
    }
    const producer = await connectStrataProducer({
      brokers: stack.brokers,
      registryUrl: stack.registryUrl,
      logger: testLogger,
      // The producer is named after the suite, so a reader of the log can tell the suites apart.
      defaults: {
        namespace: options.namespace,
        producer: { name: options.label, version: '1' },
        actor: options.actor ?? { kind: 'SERVICE', id: options.label },
      },
      batching: options.batching,
    });
    stoppers.push(() => producer.close());
    const kafka = createKafka({ brokers: stack.brokers, clientId: 'sdk-test-offsets', logger: testLogger });
    return {
      stack,
      producer,
      knex,
      projector,
      projected: async () => {
        if (!projector) throw new Error(`${options.label}: started without the projector`);
        await waitForCheckpoints(knex, () => liveSchema(knex), await logEnds(kafka));
        return liveSchema(knex);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts an SDK stack before the suite's tests and stops it after them; call the result inside a test. */
export function sdkStackForSuite(options: SdkStackOptions): () => SdkStack {
  let sdk: SdkStack | undefined;
  beforeAll(async () => {
    sdk = await startSdkStack(options);
  });
  afterAll(() => sdk?.stop());
  return () => {
    if (!sdk) throw new Error(`${options.label}: the stack did not start`);
    return sdk;
  };
}

/** The fields of a `class` label of `itemId` saying `value`, by `author`. */
export function classLabel(itemId: string, value: string, author: Author) {
  return { itemId, task: 'class', payload: JSON.stringify({ class: value }), author };
}
