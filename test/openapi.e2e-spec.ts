import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { generateOpenApiDocument, serializeOpenApi } from '../apps/gateway/src/openapi-document.js';

const run = promisify(execFile);

describe('OpenAPI document', () => {
  it('the committed openapi.json matches the gateway (run `npm run openapi` after API changes)', async () => {
    const committed = await readFile('openapi.json', 'utf8');
    const generated = serializeOpenApi(await generateOpenApiDocument());
    expect(JSON.parse(committed)).toEqual(JSON.parse(generated));
  });

  it('passes Spectral (spectral:oas + OWASP) with no errors', async () => {
    let stdout: string;
    try {
      ({ stdout } = await run('node', ['node_modules/@stoplight/spectral-cli/dist/index.js', 'lint', 'openapi.json', '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet'], { maxBuffer: 32 * 1024 * 1024 }));
    } catch (e) {
      // spectral exits 1 when it finds errors; its JSON report is still on stdout.
      stdout = (e as { stdout: string }).stdout;
    }
    const results = JSON.parse(stdout || '[]') as Array<{ code: string; severity: number; message: string; path: string[] }>;
    const errors = results.filter((r) => r.severity === 0).map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`);
    expect(errors).toEqual([]);
  }, 60_000);
});
