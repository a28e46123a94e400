import { describe, expect, it } from 'vitest';
import { buildFixtureEvalLog, scriptPayload } from '../../../test/helpers/eval-log-fixture.js';
import { EvalLog } from '../../records/eval-log.js';
import { paretoFront } from './render-charts.js';
import { escapeHtml, jsonForScript, renderReport } from './render-report.js';
import { buildReportModel } from './report-model.js';

const loaded = [{ source: 'runs/a/eval-log.json', log: EvalLog.parse(buildFixtureEvalLog()) }];

describe('renderReport', () => {
  const html = renderReport(loaded, { generatedAt: '2026-11-26T12:00:00Z' });

  it('never lets model text become markup', () => {
    expect(html).not.toContain(scriptPayload);
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toMatch(/<img src=x/);
    // the only script elements are the data block and the report's own script
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html).toContain('Example &lt;spec&gt;');
  });

  it('is self-contained: no external URL is loaded', () => {
    const withoutNamespaces = html.replace(/xmlns(:\w+)?="[^"]*"/g, '');
    expect(withoutNamespaces).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(withoutNamespaces).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).toContain("default-src 'none'");
  });

  it('has the summary table with arrows, intervals and the weakest category, and the provenance header', () => {
    expect(html).toMatch(/<th>base<div class="meta">openai-compatible:base-model<\/div><\/th>/);
    expect(html).toContain('xstest / not_overrefuse_strict');
    expect(html).toContain('↑');
    expect(html).toContain('↓');
    expect(html).toContain('[0.850, 0.950]');
    expect(html).toContain('min homonyms: 0.400');
    expect(html).toContain(`dataset sha256 ${'b'.repeat(64)}`);
    expect(html).toContain('judge: openai-compatible:judge-model');
    expect(html).toContain('judge model equals target model for arm &lt;base&gt;');
  });

  it('names the interval level the run used, not a fixed 95 %', () => {
    expect(html).toContain('Values with 95 % bootstrap intervals');
    const ninety = EvalLog.parse(buildFixtureEvalLog());
    ninety.bootstrap = { ...ninety.bootstrap, level: 0.9 };
    const other = renderReport([{ source: 'runs/b/eval-log.json', log: ninety }]);
    expect(other).toContain('Values with 90 % bootstrap intervals');
    expect(other).toContain('its 90 % bootstrap interval on both axes');
    expect(other).not.toContain('95 %');
  });

  it('draws the charts with Observable Plot as inline SVG', () => {
    expect(html).toContain('Over-refusal against strongreject (goodness@0.1)');
    expect((html.match(/<svg\b/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(html).toMatch(/class="plot-[0-9a-f]+/);
  });

  it('carries every item in an escaped JSON block', () => {
    const block = html.match(/<script type="application\/json" id="items-data">([\s\S]*?)<\/script>/)![1]!;
    const items = JSON.parse(block);
    expect(items).toHaveLength(4);
    expect(
      items.find((item: { arm: string; benchmark: string }) => item.arm === 'trained' && item.benchmark === 'xstest')
        .answer,
    ).toBe(scriptPayload);
  });
});

describe('renderReport says what it has and has not', () => {
  const html = renderReport(loaded, { generatedAt: '2026-11-26T12:00:00Z' });
  const section = (html: string, id: string) =>
    html.slice(html.indexOf(`<section id="${id}">`)).split('</section>')[0]!;

  it('the header names the graders that graded, not a configured judge no benchmark used', () => {
    const log = EvalLog.parse(buildFixtureEvalLog());
    log.judge = null;
    const header = renderReport([{ source: 'a', log }]).split('</header>')[0]!;
    expect(header).toContain('graded by refusal-offline@1 ·');
    expect(header).not.toMatch(/judge/);
    expect(html.split('</header>')[0]).toContain('graded by refusal-offline@1 ·');
  });

  it('a chart with nothing to draw says "no data" and why, with no empty figure', () => {
    const log = EvalLog.parse(buildFixtureEvalLog());
    for (const benchmark of log.benchmarks) {
      for (const result of benchmark.results)
        for (const grade of Object.values(result.grades))
          Object.assign(grade, { unscored: true, value: null, label: null, unscoredReason: 'grader-unavailable' });
      for (const metrics of Object.values(benchmark.metrics))
        for (const metric of metrics) {
          Object.assign(metric, { value: null, ci: null, n: 0 });
          metric.perCategory = metric.perCategory.map((entry) => ({ ...entry, value: null, ci: null, n: 0 }));
        }
    }
    const report = renderReport([{ source: 'a', log }]);
    const categories = section(report, 'categories');
    expect(categories).not.toContain('<svg');
    expect(categories).toContain(
      'no data: every grade of xstest is unscored (2 grader-unavailable; grader refusal-offline@1): the grader could not grade',
    );
    expect(section(report, 'pareto')).toContain('no data: every grade of xstest is unscored');
    expect(section(report, 'pareto')).not.toContain('<svg');
  });

  it('the jailbreak section says when no benchmark ran jailbreaks, instead of plotting XSTest as if it had', () => {
    expect(section(html, 'pareto')).not.toContain('no jailbreak benchmark');
    const log = EvalLog.parse(buildFixtureEvalLog());
    log.benchmarks = log.benchmarks.filter((benchmark) => benchmark.name === 'xstest');
    for (const metrics of Object.values(log.benchmarks[0]!.metrics)) metrics[1]!.primary = true;
    const pareto = section(renderReport([{ source: 'a', log }]), 'pareto');
    expect(pareto).toContain('There is no jailbreak benchmark in this eval');
    expect(pareto).toContain(
      'Over-refusal against xstest (refusal_rate_unsafe): harmful prompts as written, no jailbreak',
    );
  });

  it('labelled arms head their columns by label, with the arm and model beneath', () => {
    const log = EvalLog.parse(buildFixtureEvalLog());
    log.arms[0]!.name = 'base:label=qwen3-8b';
    log.arms[0]!.label = 'qwen3-8b';
    for (const benchmark of log.benchmarks) {
      benchmark.metrics['base:label=qwen3-8b'] = benchmark.metrics.base!;
      delete benchmark.metrics.base;
    }
    const report = renderReport([{ source: 'a', log }]);
    expect(report).toContain('<th>qwen3-8b<div class="meta">base · openai-compatible:base-model</div></th>');
    expect(report).toContain('qwen3-8b: base:label=qwen3-8b = base (openai-compatible:base-model)');
    expect(renderReport([{ source: 'a', log }], { baseline: 'base:label=qwen3-8b' })).toContain(
      'against the baseline arm qwen3-8b',
    );
  });
});

describe('report helpers', () => {
  it('escapes HTML and script-breaking JSON', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(jsonForScript({ text: '</script><!--' })).not.toMatch(/<\/script>|<!--/);
    expect(JSON.parse(jsonForScript({ text: '</script>\u2028' }))).toEqual({ text: '</script>\u2028' });
  });

  it('finds the Pareto front after orienting each axis', () => {
    const points = [
      { name: 'a', x: 0.9, y: 0.2 },
      { name: 'b', x: 0.5, y: 0.8 },
      { name: 'c', x: 0.4, y: 0.1 },
    ];
    expect(paretoFront(points, true, true).map((point) => point.name)).toEqual(['a', 'b']);
    // lower x is better: c beats a on x, b beats c on y
    expect(paretoFront(points, false, true).map((point) => point.name)).toEqual(['b', 'c']);
  });

  it('disambiguates arms that share a name across runs and warns about a single-axis run', () => {
    const only = EvalLog.parse(buildFixtureEvalLog());
    only.benchmarks = only.benchmarks.filter((benchmark) => benchmark.name === 'strongreject');
    const model = buildReportModel([
      { source: 'one', log: only },
      { source: 'two', log: only },
    ]);
    expect(model.arms.map((arm) => arm.key)).toEqual([
      'base (run 1)',
      'trained (run 1)',
      'base (run 2)',
      'trained (run 2)',
    ]);
    expect(model.warnings.some((warning) => /single-axis/.test(warning))).toBe(true);
  });
});
