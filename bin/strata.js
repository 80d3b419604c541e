#!/usr/bin/env node
// Runs the TypeScript sources directly (SWC, with decorator metadata) so `npx strata` works right after `npm ci`.
const path = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
require('../apps/cli/src/main.ts');
