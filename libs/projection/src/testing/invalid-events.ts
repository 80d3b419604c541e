import { packItemRefs } from '@strata/contracts';
import type { DeadLetterReason } from '../types';
import { HistoryBuilder } from './history-builder';

/**
 * One batch holding every kind of invalid event the projection rejects, among valid ones, with
 * the reasons expected in log order and what must still be applied. Shared by the pure and the
 * PostgreSQL tests.
 */
export function everyInvalidCase() {
  const history = new HistoryBuilder()
    .registerItem('i')
    .registerItem('j')
    .createLabel('i', 'a')
    .createLabel('j', 'z')
    .correctLabel('i', 'b', ['a'])
    .registerItem('i') // item_already_registered
    .createLabel('ghost', 'g') // unknown_item
    .createLabel('i', 'a') // duplicate_label_id
    .correctLabel('i', 'n', []) // no_parents
    .correctLabel('i', 'u', ['missing']) // unknown_parent
    .correctLabel('i', 'f', ['z']) // parent_of_other_item
    .correctLabel('i', 's', ['s']) // cycle: itself
    .correctLabel('i', 'a', ['b']) // cycle: a is an ancestor of b
    .reviewLabel('i', 'missing', 'APPROVED') // unknown_label
    .retractLabel('j', 'a') // label_of_other_item
    .retractLabel('i', 'b')
    .retractLabel('i', 'b') // label_already_retracted
    .inNamespace('intruder')
    .createLabel('i', 'x') // namespace_mismatch
    .reviewLabel('i', 'a', 'REJECTED') // namespace_mismatch
    .inNamespace('test')
    .createLabel('i', 'nul', 'cla\u0000ss') // unstorable_text
    .applyStep('run-x', 'step-1', [], []) // unknown_run
    .startRun('run-1')
    .startRun('run-1') // duplicate_run
    .applyStep('run-1', 'step-1', [], [])
    .applyStep('run-1', 'step-1', [], []) // duplicate_step
    .applyStep('run-1', 'step-2', [], [], { ...packItemRefs(['a', 'b'], []), inputCount: 3 }) // malformed_item_refs
    .applyStep('run-1', 'step-3', [], [], packItemRefs(['a', 'b'], ['c'], [1, 1, 2])) // malformed_item_refs
    .completeRun('run-1')
    .completeRun('run-1') // run_already_completed
    .freezeSnapshot('snap')
    .freezeSnapshot('snap') // duplicate_snapshot
    .createLabel('i', 'c');
  const expectedReasons: DeadLetterReason[] = [
    'item_already_registered',
    'unknown_item',
    'duplicate_label_id',
    'no_parents',
    'unknown_parent',
    'parent_of_other_item',
    'cycle',
    'cycle',
    'unknown_label',
    'label_of_other_item',
    'label_already_retracted',
    'namespace_mismatch',
    'namespace_mismatch',
    'unstorable_text',
    'unknown_run',
    'duplicate_run',
    'duplicate_step',
    'malformed_item_refs',
    'malformed_item_refs',
    'run_already_completed',
    'duplicate_snapshot',
  ];
  return {
    events: history.events,
    expectedReasons,
    /** Labels applied despite the invalid events around them, and the leaves of item `i` after the batch. */
    appliedLabelIds: ['a', 'z', 'b', 'c'],
    leavesOfI: ['a', 'c'],
  };
}
