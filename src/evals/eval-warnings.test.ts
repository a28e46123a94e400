import { describe, expect, it } from 'vitest';
import { createModelClient } from '../models/generate.js';
import { scriptedModel } from '../testing/scripted-model.js';
import { evalWarnings } from './eval-warnings.js';

describe('evalWarnings', () => {
  const target = createModelClient(scriptedModel(['x'], { id: 'openai-compatible:qwen3-8b' }));
  const other = createModelClient(scriptedModel(['x'], { id: 'openai-compatible:qwen3-32b' }));

  it('warns when a judge or grader is the same model as a target', () => {
    const warnings = evalWarnings({
      benchmarks: [],
      targets: [{ name: 'base+spec', role: 'base', client: target, specInContext: true }],
      graders: [
        { role: 'judge', client: createModelClient(scriptedModel(['y'], { id: 'openai-compatible:qwen3-8b' })) },
        { role: 'grader', client: other },
      ],
      status: 'complete',
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('judge role is the same model as target base+spec');
  });

  it('says a partial run can be resumed', () => {
    const warnings = evalWarnings({ benchmarks: [], targets: [], graders: [], status: 'partial' });
    expect(warnings.join('\n')).toContain('run the same command again');
  });
});
