import { describe, expect, it } from 'vitest';
import { eventRoutes, routeOf, subjectOf } from './events';
import { eventTypes } from './generated/events';
import { allSampleEvents, sampleEvent } from './testing/sample-events';

describe('event routing', () => {
  it('routes every event type to its topic and key', () => {
    expect(Object.keys(eventRoutes).sort()).toEqual([...eventTypes].sort());
    expect(routeOf(sampleEvent('LabelCorrected'))).toEqual({ topic: 'strata.items', key: 'img-001' });
    expect(routeOf(sampleEvent('RunCompleted'))).toEqual({
      topic: 'strata.runs',
      key: '0b7e6c52-4a1f-4f7d-9a3e-5c2b1d0e9f8a',
    });
    expect(routeOf(sampleEvent('SnapshotFrozen')).topic).toBe('strata.snapshots');
    for (const event of allSampleEvents()) expect(routeOf(event).key).toBeTruthy();
  });

  it('names subjects with TopicRecordNameStrategy', () => {
    expect(subjectOf('LabelCreated')).toBe('strata.items-strata.v1.LabelCreated');
    expect(subjectOf('TransformationApplied')).toBe('strata.runs-strata.v1.TransformationApplied');
  });
});
