// `npm run openapi`: writes the OpenAPI document the API serves at /docs/json (then linted with
// Redocly, redocly.yaml). Channels generate their clients from the same document (README).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../api/openapi-document.js';

const out = process.argv[2] ?? 'dist/openapi.json';
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(await openApiDocument(), null, 2) + '\n');
console.log(`wrote ${out}`);
