import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStrataProducer, type StrataProducer } from '@strata/sdk';
import { startPlatform, type Platform } from './support/platform';
import {
  awaitProjection,
  itemRegistered,
  labelCreated,
  newTally,
  postUntilAcknowledged,
  type Tally,
} from './support/workload';

const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });
const items = Array.from({ length: 24 }, (_, index) => `broker-restart-item-${index}`);
const restarts = 2;
let platform: Platform;
let producer: StrataProducer;

beforeAll(async () => {
  platform = await startPlatform({ label: 'rel_broker' });
  producer = await connectStrataProducer({
    brokers: platform.brokers,
    registryUrl: platform.registryUrl,
    logger,
    retries: 12,
    defaults: {
      namespace: platform.namespace,
      producer: { name: 'reliability-sdk', version: '1' },
      actor: { kind: 'SERVICE', id: 'reliability-sdk' },
    },
  });
}, 180_000);

afterAll(async () => {
  await producer?.close().catch(() => undefined);
  await platform?.stop();
});

/** Produces through the SDK until told to stop; an event counts once its promise resolved. */
async function produceThroughSdk(tally: Tally, running: () => boolean): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  let sequence = 0;
  while (running()) {
    const event = labelCreated(platform.namespace, items[sequence++ % items.length]);
    tally.attempts += 1;
    inFlight.push(
      producer.send(event).then(
        () => tally.acknowledged.add(event.event.envelope.eventId),
        () => tally.refusals.set(-1, (tally.refusals.get(-1) ?? 0) + 1),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(inFlight);
}

/** Posts batches of labels to the gateway until told to stop, retrying refused batches unchanged. */
async function produceThroughGateway(tally: Tally, running: () => boolean): Promise<void> {
  let sequence = 0;
  while (running()) {
    const batch = Array.from({ length: 5 }, () =>
      labelCreated(platform.namespace, items[sequence++ % items.length]),
    );
    await postUntilAcknowledged(platform, batch, tally);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the embedded broker killed and restarted during continuous production', () => {
  it('projects every acknowledged event exactly once, through the SDK and through the gateway', async () => {
    const itemsTally = newTally();
    await postUntilAcknowledged(
      platform,
      items.map((itemId) => itemRegistered(platform.namespace, itemId)),
      itemsTally,
    );
    const sdk = newTally();
    const gateway = newTally();
    let running = true;
    const producing = Promise.all([
      produceThroughSdk(sdk, () => running),
      produceThroughGateway(gateway, () => running),
    ]);
    for (let restart = 0; restart < restarts; restart += 1) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await platform.restart('broker', 'SIGKILL');
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    running = false;
    await producing;

    const figures = {
      sdk: { acknowledged: sdk.acknowledged.size, ...(await awaitProjection(platform, sdk)) },
      gateway: { acknowledged: gateway.acknowledged.size, ...(await awaitProjection(platform, gateway)) },
      gatewayRefusals: Object.fromEntries(gateway.refusals),
      sdkFailures: sdk.refusals.get(-1) ?? 0,
      brokerRestartsSurvived: restarts,
    };
    process.stdout.write(`broker restart: ${JSON.stringify(figures)}\n`);
    for (const path of [figures.sdk, figures.gateway]) {
      expect(path.acknowledged).toBeGreaterThan(50);
      expect(path.lost).toBe(0);
      expect(path.duplicated).toBe(0);
      expect(path.projected).toBe(path.acknowledged);
    }
  });
});
