#!/usr/bin/env node
// The only entry point with I/O: `node render/cli.ts <command> [args]` (render/main.ts).
// First the loader hooks: our .ts files from the type-stripped cache, node_modules from the
// dependency bundle, compiled code reused across runs. Then everything else through a dynamic
// import, so that every module — this entry's own dependencies too — loads through them.
import './strip-cache.mjs';
import { registerPrebundle } from './prebundle.mjs';
import { enableCompileCache } from 'node:module';

await registerPrebundle();

// V8 keeps the compiled code of each module (in the OS temp dir; safe to delete at any time).
enableCompileCache?.();

await import('./main.ts');
