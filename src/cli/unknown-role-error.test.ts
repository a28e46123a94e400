import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { closestName, unknownRoleError } from './unknown-role-error.js';

describe('closestName', () => {
  it('suggests the nearest configured role for a typo, nothing for an unrelated name', () => {
    expect(closestName('judgee', ['base', 'judge', 'grader'])).toBe('judge');
    expect(closestName('gradr', ['base', 'judge', 'grader'])).toBe('grader');
    expect(closestName('Judge', ['base', 'judge'])).toBe('judge');
    expect(closestName('teacher', ['base', 'judge', 'grader'])).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });
});

describe('unknownRoleError', () => {
  it('names the setting, the unknown role, the configured roles and the closest one', () => {
    const error = unknownRoleError({
      role: 'judgee',
      roles: ['base', 'judge'],
      setting: 'eval.judge',
      file: '/p/deliberate.yaml',
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'eval.judge names the role "judgee", which is not under models (configured roles: base, judge)',
    );
    expect(error.location).toBe('/p/deliberate.yaml: eval.judge');
    expect(error.hint).toMatch(/^did you mean "judge"\? set eval\.judge to one of: base, judge/);
  });

  it('a command-line option has no config location', () => {
    const error = unknownRoleError({ role: 'nobody', roles: ['base'], setting: '--targets' });
    expect(error.location).toBeUndefined();
    expect(error.hint).toBe('use one of: base, or add models.nobody to the config');
  });
});
