import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STUDY_GRID } from '../../src/study/study-grid.ts';
import { parseOptions } from '../../src/cli/parse-options.ts';
import { LEARNER_OPTION_SPECS, learnerOptionsFrom } from '../../src/cli/learner-options.ts';

/** Options the study itself sets on every run; a point must leave them alone. */
const RESERVED = ['--lr', '--seed', '--order-seed', '--held-out', '--split-seed', '--summary', '--epochs', '--quiet'];

describe('STUDY_GRID', () => {
  it('should have unique, file-name safe names and a description, kind and learning rates for each point', () => {
    const names = STUDY_GRID.map((p) => p.name);
    assert.equal(new Set(names).size, names.length, 'unique names');
    for (const p of STUDY_GRID) {
      assert.match(p.name, /^[a-z0-9-]+$/, p.name);
      assert.ok(p.description.length > 0 && p.kind.length > 0, p.name);
      assert.ok(p.lrs.length >= 1 && p.lrs.every((lr) => lr > 0 && lr < 1), `${p.name} lrs`);
    }
  });
  it('should give each point replay learner options that parse and validate, leaving the study options alone', () => {
    for (const p of STUDY_GRID) {
      assert.ok(!p.args.some((a) => RESERVED.includes(a)), `${p.name} sets a reserved option`);
      // --dims is replay's own (the features), the one non-learner option a point may set
      const { values, positionals } = parseOptions('replay', p.args, { ...LEARNER_OPTION_SPECS, dims: { type: 'string' } });
      assert.deepEqual(positionals, [], p.name);
      assert.ok(values.dims === undefined || ['26', '39'].includes(values.dims as string), p.name);
      const o = learnerOptionsFrom(values);
      // the plots read the schedule; it must say what the options do
      assert.equal(o.delay ?? 0, p.schedule.delay, `${p.name} delay`);
      if (p.schedule.algorithm === 'tbptt' && p.schedule.k1 !== null && p.args.includes('--k2')) assert.equal(o.k2, p.schedule.k2, `${p.name} k2`);
      assert.equal(o.truncation ?? 'window', p.schedule.truncation, `${p.name} truncation`);
      assert.equal(o.algorithm ?? 'tbptt', p.schedule.algorithm, `${p.name} algorithm`);
    }
  });
  it('should cover the schedules the study asks about', () => {
    const names = new Set(STUDY_GRID.map((p) => p.name));
    for (const k2 of [1, 5, 20]) assert.ok(names.has(`framewise-k2-${k2}`));
    assert.ok(names.has('utterance'));
    for (const k1 of [5, 10, 20, 40]) for (const m of [1, 2, 4]) assert.ok(names.has(`tbptt-${k1}-${m * k1}`), `tbptt-${k1}-${m * k1}`);
    assert.ok(names.has('tbptt-20-5') && names.has('tbptt-20-5-per-frame'));
    for (const d of [2, 4]) assert.ok(names.has(`tbptt-20-20-delay-${d}`));
    for (const a of ['snap1', 'eprop', 'uoro']) assert.ok(names.has(a));
    assert.equal(STUDY_GRID[0].name, 'tbptt-20-20', 'the baseline first');
  });
});
