#!/usr/bin/env node
// Writes schemas/sweep-spec.schema.json from the compiled spec schema (run `npm run build` first).
// test/sweep/spec.test.ts fails when the committed file is stale.
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { sweepSpecJsonSchema } = await import(new URL('../dist/lib/sweep/index.js', import.meta.url).href);
mkdirSync(`${root}schemas`, { recursive: true });
writeFileSync(`${root}schemas/sweep-spec.schema.json`, JSON.stringify(sweepSpecJsonSchema(), null, 2) + '\n');
console.log('wrote schemas/sweep-spec.schema.json');
