#!/usr/bin/env node
// Runs the TypeScript CLI directly: Node 24 strips types from src-main (erasable syntax only, see tsconfig).
import { main, processIO } from '../src-main/cli.ts';

process.exitCode = await main(process.argv.slice(2), processIO);
