// Runs the `wxpay` command from source, as bin/wxpay.mjs runs it from dist: for child-process specs.
import { main } from '../../lib/cli.js';

process.exitCode = await main(process.argv.slice(2));
