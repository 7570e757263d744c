#!/usr/bin/env node
// The `vmft` command: runs the compiled CLI (npm run build makes dist/).
import { main } from '../dist/lib/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
