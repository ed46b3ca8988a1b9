#!/usr/bin/env node
// The `region` operator CLI: runs region/cli.ts through tsx, from any working directory. In this
// process, not a child of it, so that a signal to `region` (kill -9 included) stops the command
// itself: an import killed this way is rolled back, not left running on its own.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
register();
await import(pathToFileURL(join(root, 'region', 'cli.ts')).href);
