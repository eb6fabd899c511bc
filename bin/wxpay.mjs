#!/usr/bin/env node
// The `wxpay` command: the logic lives in lib/cli.ts, built to dist/esm/cli.js.
import { main } from '../dist/esm/cli.js';

process.exitCode = await main(process.argv.slice(2));
