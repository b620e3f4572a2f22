import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { generateOpenApiDocument, serializeOpenApi } from '../apps/gateway/src/openapi-document.js';

describe('OpenAPI document', () => {
  it('the committed openapi.json matches the gateway (run `npm run openapi` after API changes)', async () => {
    const committed = await readFile('openapi.json', 'utf8');
    const generated = serializeOpenApi(await generateOpenApiDocument());
    expect(JSON.parse(committed)).toEqual(JSON.parse(generated));
  });

  it('passes Spectral (spectral:oas + OWASP) with no errors', async () => {
    const args = ['node_modules/@stoplight/spectral-cli/dist/index.js', 'lint', 'openapi.json', '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet'];
    const { code, stdout, stderr } = await new Promise<{ code: number | string | null; stdout: string; stderr: string }>((resolve) => {
      execFile('node', args, { maxBuffer: 32 * 1024 * 1024 }, (err, out, errOut) => resolve({ code: err ? (err.code ?? err.signal ?? null) : 0, stdout: String(out), stderr: String(errOut) }));
    });
    // 0: nothing at error severity; 1: errors found, reported on stdout. Anything else (2 for a missing
    // ruleset or a crash, a signal) is a lint that did not run, which must not pass as a clean one.
    if (code !== 0 && code !== 1) throw new Error(`Spectral did not run (exit ${String(code)}):\n${stderr}`);
    // With --quiet the report is the whole of stdout, `[]` when there are no results.
    let results: Array<{ code: string; severity: number; message: string; path: string[] }>;
    try {
      results = JSON.parse(stdout);
    } catch {
      throw new Error(`Spectral printed no JSON report (exit ${code}):\n${stderr}\n${stdout.slice(0, 2000)}`);
    }
    if (!Array.isArray(results)) throw new Error(`Spectral's report is not a list (exit ${code}):\n${stdout.slice(0, 2000)}`);
    const errors = results.filter((r) => r.severity === 0).map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`);
    expect({ exit: code, errors }).toEqual({ exit: 0, errors: [] });
  }, 60_000);
});
