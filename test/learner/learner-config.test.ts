import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.ts';
import { resolveLearnerConfig, type LearnerConfig } from '../../src/learner/learner-config.ts';

const phones = ['a', 'b', 'c'];

describe('resolveLearnerConfig', () => {
  it('fills the defaults', () => {
    const c = resolveLearnerConfig({ inputSize: 26, phones });
    assert.deepEqual(c, {
      inputSize: 26, phones, hiddenSize: 128, layers: 1, preset: 'tbptt', algorithm: 'tbptt', k1: 20, k2: 20,
      truncation: 'window', delay: 0, optimizer: 'adam', lr: 1e-3, momentum: 0.9, clip: 1, seed: 1, reuseActivations: false, trainable: true,
      maxUtteranceFrames: 60_000,
    });
    assert.equal(resolveLearnerConfig({ inputSize: 26, phones, optimizer: 'sgd' }).lr, 1e-2);
  });

  it('resolves the forward-mode algorithms: k1 = 1 by default, no window, and refuses the tbptt-only options', () => {
    const a = resolveLearnerConfig({ inputSize: 2, phones, algorithm: 'snap1' });
    assert.deepEqual([a.algorithm, a.k1, a.k2], ['snap1', 1, 1]);
    assert.equal(resolveLearnerConfig({ inputSize: 2, phones, algorithm: 'eprop', k1: 5 }).k1, 5);
    assert.throws(() => resolveLearnerConfig({ inputSize: 2, phones, algorithm: 'uoro', k2: 20 }), /k2: only for the tbptt algorithm; uoro keeps no window/);
    assert.throws(() => resolveLearnerConfig({ inputSize: 2, phones, algorithm: 'rtrl', reuseActivations: true }), /reuseActivations: only for the tbptt algorithm/);
    for (const truncation of ['window', 'per-frame'] as const) {
      assert.throws(
        () => resolveLearnerConfig({ inputSize: 2, phones, algorithm: 'eprop', truncation }),
        (e: unknown) => e instanceof ConfigError && /^truncation: only for the tbptt algorithm; eprop keeps no window/.test(e.message),
      );
    }
    assert.throws(() => resolveLearnerConfig({ inputSize: 2, phones, algorithm: 'snap1', preset: 'framewise' }), /preset: "framewise" is a tbptt schedule/);
    assert.throws(() => resolveLearnerConfig({ inputSize: 2, phones, algorithm: 'bptt' as never }), /algorithm: expected one of tbptt, rtrl, snap1, eprop, uoro, got "bptt"/);
  });

  it('resolves the truncation: window by default, per-frame for tbptt and its presets', () => {
    assert.equal(resolveLearnerConfig({ inputSize: 2, phones }).truncation, 'window');
    for (const preset of ['tbptt', 'framewise', 'utterance'] as const) {
      assert.equal(resolveLearnerConfig({ inputSize: 2, phones, preset, truncation: 'per-frame' }).truncation, 'per-frame');
    }
  });

  it('resolves the presets', () => {
    const fw = resolveLearnerConfig({ inputSize: 2, phones, preset: 'framewise', k2: 7 });
    assert.deepEqual([fw.k1, fw.k2], [1, 7]);
    assert.deepEqual([resolveLearnerConfig({ inputSize: 2, phones, preset: 'framewise' }).k2], [20]);
    const u = resolveLearnerConfig({ inputSize: 2, phones, preset: 'utterance' });
    assert.deepEqual([u.k1, u.k2], [Infinity, Infinity]);
  });

  const bad: [string, Partial<LearnerConfig> & Record<string, unknown>, RegExp][] = [
    ['inputSize', { inputSize: 0 }, /^inputSize: expected a positive integer, got 0$/],
    ['hiddenSize', { hiddenSize: 12.5 }, /^hiddenSize: expected a positive integer, got 12\.5$/],
    ['layers', { layers: 3 }, /^layers: expected 1 or 2, got 3$/],
    ['phones (too few)', { phones: ['a'] }, /^phones: expected an array of at least 2/],
    ['phones (duplicate)', { phones: ['a', 'b', 'a'] }, /^phones: "a" appears twice$/],
    ['k1', { k1: 0 }, /^k1: expected a positive integer, got 0$/],
    ['k2', { k2: -3 }, /^k2: expected a positive integer, got -3$/],
    ['framewise k1', { preset: 'framewise', k1: 4 }, /^k1: the framewise preset updates after every frame/],
    ['utterance k2', { preset: 'utterance', k2: 4 }, /^k2: the utterance preset trains over whole utterances/],
    ['preset', { preset: 'chunky' as never }, /^preset: expected "tbptt", "framewise" or "utterance", got "chunky"$/],
    ['truncation', { truncation: 'frame' as never }, /^truncation: expected "window" or "per-frame", got "frame"$/],
    ['delay', { delay: -1 }, /^delay: expected an integer ≥ 0, got -1$/],
    ['optimizer', { optimizer: 'rmsprop' as never }, /^optimizer: expected "adam" or "sgd"/],
    ['lr', { lr: 0 }, /^lr: expected a positive number, got 0$/],
    ['momentum with adam', { momentum: 0.5 }, /^momentum: only used by the sgd optimizer/],
    ['momentum range', { optimizer: 'sgd', momentum: 1 }, /^momentum: expected a number in \[0, 1\)/],
    ['clip', { clip: -1 }, /^clip: expected a positive number, got -1$/],
    ['seed', { seed: 1.5 }, /^seed: expected an integer, got 1\.5$/],
    ['trainable', { trainable: 'yes' as never }, /^trainable: expected true or false, got "yes"$/],
    ['maxUtteranceFrames', { maxUtteranceFrames: 0 }, /^maxUtteranceFrames: expected a positive integer, got 0$/],
    ['unknown option', { hidden: 5 }, /^learner config: unknown option "hidden"$/],
  ];
  for (const [what, patch, message] of bad) {
    it(`rejects a bad ${what} with a ConfigError naming it`, () => {
      assert.throws(() => resolveLearnerConfig({ inputSize: 2, phones, ...patch } as LearnerConfig), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }
});
