import { defineExplorerSuite } from './support/explorer-suite';
import { startSeededStack } from './support/explorer-stack';

// Views seeded by the projection code from a small known history: fast, and every count is known.
defineExplorerSuite('seeded', startSeededStack, 120_000);
