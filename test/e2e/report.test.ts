/**
 * End to end: eval logs → `deliberate report` → the HTML opened in headless Chromium (Debian's `chromium`), checked
 * for rendered charts and tables, escaped model text, no console errors and no requests outside the file, and
 * saved as a PNG screenshot. Skips with a message when /usr/bin/chromium is absent.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFixtureEvalLog, scriptPayload } from '../helpers/eval-log-fixture.js';
import { runCli } from '../helpers/run-cli.js';
import { runComputeEvalFixture } from '../helpers/run-compute-eval-fixture.js';
import { runEvalFixture } from '../helpers/run-eval-fixture.js';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium)
  console.warn(`skipping report screenshot tests: ${chromiumPath} is absent (apt-get install chromium)`);

// Kept after the run (test/temporary-folder-setup.ts removes the rest of the run's temporary files).
const screenshotFolder = mkdtempSync(
  path.join(process.env.DELIBERATE_SYSTEM_TMPDIR ?? tmpdir(), 'deliberate-report-screenshots-'),
);

interface PageCheck {
  svgCount: number;
  summaryRows: number;
  itemRows: number;
  consoleErrors: string[];
  outsideRequests: string[];
  pwned: boolean;
  payloadShownAsText: boolean;
  filteredRows: number;
  screenshot: string;
}

/** The eval run must have succeeded; its server is closed and `deliberate report` renders report.html in `folder`. */
async function renderReport(
  run: { exitCode: number; outDir: string; server: { close(): Promise<void> } },
  folder: string,
) {
  try {
    expect(run.exitCode).toBe(0);
  } finally {
    await run.server.close();
  }
  const output = await runCli(['report', run.outDir, '-o', 'report.html'], { cwd: folder });
  expect(output.exitCode).toBe(0);
}

/** Opens the report in headless Chromium, checks it, filters the item table once, and saves a screenshot. */
async function openInChromium(htmlFile: string, name: string, filter: { arm: string }): Promise<PageCheck> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const consoleErrors: string[] = [];
    const outsideRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    page.on('dialog', (dialog) => {
      consoleErrors.push(`dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => {
      if (!request.url().startsWith('file://')) outsideRequests.push(request.url());
    });
    await page.goto(`file://${htmlFile}`);
    await page.waitForSelector('#items-body tr');
    const svgCount = await page.locator('svg').count();
    const summaryRows = await page.locator('#summary-table tbody tr').count();
    const itemRows = await page.locator('#items-body tr').count();
    // evaluated in the page (as strings: the test's tsconfig has no DOM types)
    const pwned = (await page.evaluate('window.__pwned === true')) as boolean;
    const payloadShownAsText = (await page.evaluate(
      `document.getElementById('items-body').textContent.includes(${JSON.stringify(scriptPayload)})`,
    )) as boolean;
    const screenshot = path.join(screenshotFolder, `${name}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.selectOption('#filter-arm', filter.arm);
    const armCells = await page.locator('#items-body tr td:first-child').allTextContents();
    return {
      svgCount,
      summaryRows,
      itemRows,
      consoleErrors,
      outsideRequests,
      pwned,
      payloadShownAsText,
      filteredRows: armCells.every((cell) => cell === filter.arm) ? armCells.length : -1,
      screenshot,
    };
  } finally {
    await browser.close();
  }
}

afterAll(() => {
  if (hasChromium) console.info(`report screenshots: ${screenshotFolder}`);
});

describe.skipIf(!hasChromium)('deliberate report in headless Chromium', () => {
  it('renders a fixture log with a <script> answer: charts, tables, escaped text, nothing loaded from outside', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-report-'));
    const runFolder = path.join(folder, 'run');
    mkdirSync(runFolder);
    writeFileSync(path.join(runFolder, 'eval-log.json'), JSON.stringify(buildFixtureEvalLog()));
    const output = await runCli(['report', 'run', '-o', 'report.html'], { cwd: folder });
    expect(output.exitCode).toBe(0);
    expect(output.stdout).toMatch(/report: wrote .*report\.html \(1 eval log, 4 results/);
    const htmlFile = path.join(folder, 'report.html');
    expect(readFileSync(htmlFile, 'utf8')).not.toContain(scriptPayload);

    const check = await openInChromium(htmlFile, 'fixture-report', { arm: 'trained' });
    expect(check.consoleErrors).toEqual([]);
    expect(check.outsideRequests).toEqual([]);
    expect(check.pwned).toBe(false);
    expect(check.payloadShownAsText).toBe(true);
    expect(check.svgCount).toBeGreaterThanOrEqual(3);
    expect(check.summaryRows).toBe(4);
    expect(check.itemRows).toBe(4);
    expect(check.filteredRows).toBe(2);
    expect(statSync(check.screenshot).size).toBeGreaterThan(10_000);
  }, 60_000);

  it('evaluates arms (base, base+spec, trained) against a local fake server, renders the real eval log, and screenshots it', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-report-e2e-'));
    const run = await runEvalFixture({ folder, limit: 6 });
    try {
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.exitCode).toBe(0);
    } finally {
      await run.server.close();
    }
    const output = await runCli(['report', run.outDir, '-o', 'report.html', '--title', 'two arms'], { cwd: folder });
    expect(output.exitCode).toBe(0);
    expect(output.stdout).toMatch(/report: wrote/);
    const html = readFileSync(path.join(folder, 'report.html'), 'utf8');
    expect(html).toContain('xstest / not_overrefuse_strict');
    expect(html).toContain('strongreject / goodness@0.1');

    const check = await openInChromium(path.join(folder, 'report.html'), 'eval-report', { arm: 'trained' });
    expect(check.consoleErrors).toEqual([]);
    expect(check.outsideRequests).toEqual([]);
    // a Pareto chart per harmful headline metric, and per-category bars
    expect(check.svgCount).toBeGreaterThanOrEqual(4);
    expect(check.summaryRows).toBeGreaterThanOrEqual(4);
    expect(check.itemRows).toBeGreaterThan(0);
    expect(check.filteredRows).toBeGreaterThan(0);
    expect(statSync(check.screenshot).size).toBeGreaterThan(10_000);
  }, 180_000);
  it('five labelled arms: columns headed by label, and no card overflows (wide tables scroll inside theirs)', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-report-five-'));
    const run = await runEvalFixture({
      folder,
      limit: 4,
      preferSharedXstest: false,
      targets:
        'base:label=qwen3-8b,base+spec:label=qwen3-8b + spec,trained:label=sft v1,trained@effort=low:label=sft v1 low,base@effort=high:label=qwen3-8b high',
    });
    await renderReport(run, folder);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
      await page.goto(`file://${path.join(folder, 'report.html')}`);
      const heads = await page.locator('#summary-table thead th').allTextContents();
      expect(heads.slice(1).map((text) => text.split(/base|trained/)[0])).toEqual([
        'qwen3-8b',
        'qwen3-8b + spec',
        'sft v1',
        'sft v1 low',
        'qwen3-8b high',
      ]);
      const overflowing = (await page.evaluate(
        "[...document.querySelectorAll('main > section')].filter((s) => s.scrollWidth > s.clientWidth).map((s) => s.id)",
      )) as string[];
      expect(overflowing).toEqual([]);
      await page.screenshot({ path: path.join(screenshotFolder, 'five-arms.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 180_000);
  it('renders the compute arms run (transformation, gsm8k at three efforts): the safety-and-capability table and the compute charts', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'deliberate-report-compute-'));
    const run = await runComputeEvalFixture(folder);
    await renderReport(run, folder);
    const htmlFile = path.join(folder, 'report.html');
    const check = await openInChromium(htmlFile, 'compute-report', { arm: 'base@effort=high' });
    expect(check.consoleErrors).toEqual([]);
    expect(check.outsideRequests).toEqual([]);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      await page.goto(`file://${htmlFile}`);
      expect(await page.locator('#compute svg').count()).toBeGreaterThanOrEqual(2);
      // three arms drawn as dots on each compute chart
      expect(await page.locator('#compute .chart').first().locator('circle').count()).toBe(3);
      expect(await page.locator('#safety-capability-table tbody tr').count()).toBe(3);
      const box = await page.locator('#compute .chart').first().locator('svg').last().boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(300);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
