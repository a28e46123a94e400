import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { armRequestFields, parseArm } from './parse-arm.js';

describe('parseArm', () => {
  it('reads role, +spec, @options and :label, combined', () => {
    expect(parseArm('base')).toEqual({
      name: 'base',
      role: 'base',
      specInContext: false,
      guarded: false,
      requestOptions: {},
      label: null,
    });
    expect(parseArm('guard:base@effort=low')).toMatchObject({
      role: 'base',
      guarded: true,
      requestOptions: { reasoningEffort: 'low' },
    });
    expect(parseArm('trained@effort=low')).toMatchObject({
      role: 'trained',
      requestOptions: { reasoningEffort: 'low' },
    });
    const combined = parseArm(
      'base+spec@thinking=off@max_tokens=2048@kwarg.reasoning_budget=512:label=spec, no thinking',
    );
    expect(combined).toEqual({
      name: 'base+spec@thinking=off@max_tokens=2048@kwarg.reasoning_budget=512:label=spec, no thinking',
      role: 'base',
      specInContext: true,
      guarded: false,
      requestOptions: { chatTemplateKwargs: { enable_thinking: false, reasoning_budget: 512 }, maxTokens: 2048 },
      label: 'spec, no thinking',
    });
    expect(parseArm('base:label=Base model')).toMatchObject({ role: 'base', label: 'Base model', requestOptions: {} });
  });

  it('reads +ttd with its passes (default 1) beside the request options', () => {
    expect(parseArm('base+ttd')).toMatchObject({ role: 'base', specInContext: false, deliberation: { passes: 1 } });
    expect(parseArm('base+ttd@passes=2@effort=low:label=TTD ×2')).toEqual({
      name: 'base+ttd@passes=2@effort=low:label=TTD ×2',
      role: 'base',
      specInContext: false,
      guarded: false,
      requestOptions: { reasoningEffort: 'low' },
      label: 'TTD ×2',
      deliberation: { passes: 2 },
    });
    expect(parseArm('base+spec')).not.toHaveProperty('deliberation');
  });

  it('turns options into the request fields sent', () => {
    expect(armRequestFields(parseArm('a@effort=high@budget=100').requestOptions)).toEqual({
      extraBody: { reasoning_effort: 'high' },
      maxTokens: 100,
    });
    expect(armRequestFields({})).toEqual({});
  });

  it.each([
    ['base@effort=extreme', /effort "extreme"/],
    ['base@thinking=maybe', /not on or off/],
    ['base@max_tokens=0', /positive whole number/],
    ['base@temperature=1', /unknown option "@temperature"/],
    ['base@effort', /not key=value/],
    ['base@effort=low@effort=high', /given twice/],
    ['Base', /is not \[guard:\]role/],
    ['base:label=', /is not \[guard:\]role/],
    ['guard:base+spec', /cannot take \+spec/],
    ['guard:base+ttd', /cannot take \+ttd/],
    ['base+spec+ttd', /is not \[guard:\]role/],
    ['base@passes=2', /@passes is an option of a \+ttd arm/],
    ['base+ttd@passes=0', /passes "0" is not a whole number/],
    ['base+ttd@passes=1.5', /passes "1.5" is not a whole number/],
  ])('%s is a ConfigError', (name, message) => {
    expect(() => parseArm(name)).toThrow(ConfigError);
    expect(() => parseArm(name)).toThrow(message);
  });
});
