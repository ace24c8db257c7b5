import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEARNER_OPTION_SPECS, learnerOptionsFrom } from '../../src/cli/learner-options.ts';
import { joinNegativeValues, parseOptions } from '../../src/cli/parse-options.ts';
import { ConfigError } from '../../src/errors.ts';

const specs = { ...LEARNER_OPTION_SPECS, quiet: { type: 'boolean' } } as const;

describe('negative numbers as option values', () => {
  it('joins a string option to a negative number after it', () => {
    assert.deepEqual(joinNegativeValues(['c', '--lr', '-1', '--hidden', '-3.5', '--seed', '-1e3'], specs), [
      'c',
      '--lr=-1',
      '--hidden=-3.5',
      '--seed=-1e3',
    ]);
  });

  it('leaves alone boolean options, option names, unknown options and what follows --', () => {
    assert.deepEqual(joinNegativeValues(['--quiet', '-1'], specs), ['--quiet', '-1']);
    assert.deepEqual(joinNegativeValues(['--lr', '--hidden', '3'], specs), ['--lr', '--hidden', '3']);
    assert.deepEqual(joinNegativeValues(['--bogus', '-1'], specs), ['--bogus', '-1']);
    assert.deepEqual(joinNegativeValues(['--', '--lr', '-1'], specs), ['--', '--lr', '-1']);
    assert.deepEqual(joinNegativeValues(['--lr', '-x'], specs), ['--lr', '-x']);
  });

  const rangeMessage = (argv: string[]): string => {
    try {
      learnerOptionsFrom(parseOptions('replay', argv, specs).values);
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.message;
    }
    assert.fail('expected a ConfigError');
  };

  it('--hidden -3 and --lr -1 reach the range check, not the parser', () => {
    assert.equal(rangeMessage(['corpus', '--hidden', '-3']), '--hidden must be an integer from 1 to 4096, got "-3"');
    assert.equal(rangeMessage(['corpus', '--lr', '-1']), '--lr must be a number from 0 to 10, got "-1"');
  });

  it('a negative seed, which is allowed, parses', () => {
    assert.equal(learnerOptionsFrom(parseOptions('replay', ['--seed', '-7'], specs).values).seed, -7);
  });
});

describe('loadOptionWarnings', () => {
  it('names the options that override a loaded checkpoint, and those ignored', async () => {
    const { loadOptionWarnings } = await import('../../src/cli/learner-options.ts');
    assert.deepEqual(loadOptionWarnings({}, '--load runs/a'), []);
    assert.deepEqual(loadOptionWarnings({ lr: 0.01, clip: null }, '--load runs/a'), ["--load runs/a: --lr 0.01, --clip 0 override the checkpoint's values"]);
    assert.deepEqual(loadOptionWarnings({ lr: 0.01, hiddenSize: 64, k1: 5 }, '--load runs/a'), [
      "--load runs/a: --lr 0.01 overrides the checkpoint's value",
      "--load runs/a: ignored (the checkpoint's value kept): --k1 5, --hidden 64 (--k1 applies only with --algorithm)",
    ]);
    assert.deepEqual(loadOptionWarnings({ algorithm: 'snap1', k1: 4, reuseActivations: true }, 'x'), [
      "x: --algorithm snap1, --k1 4 override the checkpoint's values",
      "x: ignored (the checkpoint's value kept): --reuse-activations",
    ]);
  });
});
