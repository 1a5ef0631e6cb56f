#!/usr/bin/env node
// The `cdktf-ai-infra` command (package.json "bin"): see cli.ts.
import { main } from './cli';

process.exitCode = main(process.argv);
