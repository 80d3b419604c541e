import { defineExplorerSuite } from './support/explorer-suite';
import { startStrataUpStack } from './support/strata-up-stack';

// The setting: `strata up` with the demo it publishes, projected by the real projector.
defineExplorerSuite('strata-up', startStrataUpStack, 360_000);
