import { Topics } from '@strata/kafka';

/** The topics the views are folded from (not `strata.dlq`, which the projector writes). */
export const projectedTopics: readonly string[] = [Topics.items, Topics.runs, Topics.snapshots];
