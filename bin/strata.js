#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript sources directly (SWC, with decorator metadata) so `npx strata` works right after `npm ci`.
// --max-semi-space-size=64 (MiB; V8 reads it only at start, hence here and in infra/Dockerfile): a
// projector's batches are tens of MiB of short-lived objects, and in V8's default 16 MiB young
// generation they were collected and promoted over and over: with the flag, garbage collection in a
// 1M-event rebuild's CPU profile fell from 3.7 to 2.4 s (bench/projection/README.md), for ~100 MiB
// more resident memory, still flat.
const path = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
require('../apps/cli/src/main.ts');
