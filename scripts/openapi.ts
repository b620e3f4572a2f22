import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { generateOpenApiDocument, serializeOpenApi } from '../apps/gateway/src/openapi-document.js';

// Regenerates the committed openapi.json from the gateway's controllers and DTOs.
const doc = await generateOpenApiDocument();
await writeFile('openapi.json', serializeOpenApi(doc));
process.stdout.write(`openapi.json written: ${Object.keys(doc.paths).length} paths\n`);
