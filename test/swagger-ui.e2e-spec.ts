import { chromium, type Browser } from 'playwright-core';
import { startGateway, type TestGateway } from './support/gateway.js';

// Swagger UI is what QA uses: load /docs in a real headless Chromium and read the operations it lists.
describe('Swagger UI in a browser', () => {
  let gw: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    gw = await startGateway();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('lists the API operations at /docs', async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.url}/docs`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const title = await page.locator('.info .title').first().innerText();
    expect(title).toContain('Pasarela API');
    const operations = await page.locator('.opblock-summary-path').allInnerTexts();
    const normalized = operations.map((o) => o.replace(/\u200b/g, '').trim());
    expect(normalized).toEqual(expect.arrayContaining(['/v1/api-keys', '/v1/api-keys/{id}/revoke']));
    await page.screenshot({ path: 'test-results/swagger-ui.png', fullPage: false });
  }, 60_000);
});
