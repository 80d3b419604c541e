import type { EventOfType, TaggedEvent } from '../events';
import { eventTypes, type Envelope, type EventType, type StrataEvent } from '../generated/events';

/** A fixed, valid moment: 2026-01-02T03:04:05.678Z. */
export const sampleTime = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

const envelope = (eventId: string): Envelope => ({
  eventId,
  eventTime: sampleTime,
  namespace: 'acme/vision',
  producer: { name: 'label-studio', version: '1.12.0' },
  actor: { kind: 'HUMAN', id: 'ann@acme.test' },
});

const labelA = '6f1c1d3e-8a4b-4c2d-9e0f-1a2b3c4d5e6f';
const labelB = '7a2d2e4f-9b5c-4d3e-8f10-2b3c4d5e6f70';
const runId = '0b7e6c52-4a1f-4f7d-9a3e-5c2b1d0e9f8a';

/** One valid event of every type, with every nullable field set somewhere and non-ASCII text. */
export const sampleEvents: { readonly [T in EventType]: EventOfType<T> } = {
  ItemRegistered: {
    envelope: envelope('00000000-0000-4000-8000-000000000001'),
    itemId: 'img-001',
    uri: 's3://acme/raw/img-001.jpg',
    contentHash: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    mediaType: 'image/jpeg',
    datasets: ['street-scenes', 'night'],
    source: 'campaign-7',
    license: null,
    attributes: { width: '1920', city: 'Zürich' },
  },
  LabelCreated: {
    envelope: envelope('00000000-0000-4000-8000-000000000002'),
    itemId: 'img-001',
    labelId: labelA,
    task: 'class',
    payload: '{"class":"car","note":"voiture ✓"}',
    author: { kind: 'MODEL', id: 'detector-v3' },
    tool: null,
    confidence: 0.87,
    guidelineVersion: 'g-2',
  },
  LabelCorrected: {
    envelope: envelope('00000000-0000-4000-8000-000000000003'),
    itemId: 'img-001',
    labelId: labelB,
    task: 'class',
    payload: '{"class":"truck"}',
    author: { kind: 'HUMAN', id: 'ann@acme.test' },
    tool: 'label-studio 1.12',
    confidence: null,
    guidelineVersion: null,
    parents: [labelA],
    reason: 'wheels count',
  },
  LabelReviewed: {
    envelope: envelope('00000000-0000-4000-8000-000000000004'),
    itemId: 'img-001',
    labelId: labelB,
    verdict: 'APPROVED',
    reviewer: { kind: 'HUMAN', id: 'lead@acme.test' },
    comment: null,
  },
  LabelRetracted: {
    envelope: envelope('00000000-0000-4000-8000-000000000005'),
    itemId: 'img-001',
    labelId: labelA,
    reason: 'duplicate',
  },
  RunStarted: {
    envelope: envelope('00000000-0000-4000-8000-000000000006'),
    runId,
    job: { namespace: 'airflow-prod', name: 'preprocess' },
    parentRunId: null,
    codeVersion: 'git:4b825dc',
    parameters: '{"size":512}',
  },
  TransformationApplied: {
    envelope: envelope('00000000-0000-4000-8000-000000000007'),
    runId,
    stepId: '1c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f',
    operation: { name: 'resize', version: '2' },
    parameters: '{"size":512}',
    inputs: [{ kind: 'DATASET', id: 'street-scenes', version: null }],
    outputs: [{ kind: 'DATASET', id: 'street-scenes-512', version: 'v1' }],
    itemRefs: null,
    inputRecords: 1000,
    outputRecords: 998,
    metrics: { dropped: 2 },
    startedAt: sampleTime - 60_000,
    endedAt: sampleTime,
  },
  RunCompleted: {
    envelope: envelope('00000000-0000-4000-8000-000000000008'),
    runId,
    status: 'FAILED',
    metrics: {},
    error: 'out of memory',
  },
  SnapshotFrozen: {
    envelope: envelope('00000000-0000-4000-8000-000000000009'),
    snapshotId: '2d0e9f8a-7b6c-4d5e-9f00-1a2b3c4d5e6f',
    name: 'street-scenes-2026-01',
    dataset: 'street-scenes',
    task: null,
    strategy: 'latest',
    offsets: [{ topic: 'strata.items', partition: 0, offset: 12_345_678_901 }],
    asOfTime: sampleTime,
    manifestSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    itemCount: 1000,
    labelCount: 2500,
  },
};

/** The sample of one type as a tagged event, deep-copied so tests may alter it. */
export function sampleEvent<T extends EventType>(type: T): TaggedEvent<T> {
  return { type, event: structuredClone(sampleEvents[type]) } as unknown as TaggedEvent<T>;
}

/** Every sample, one per event type. */
export function allSampleEvents(): StrataEvent[] {
  return eventTypes.map((type) => sampleEvent(type));
}
