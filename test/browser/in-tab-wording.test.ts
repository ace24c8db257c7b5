import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeView } from '../../src/browser/describe-view.ts';
import { initialViewState } from '../../src/browser/initial-view-state.ts';
import { inTabWording } from '../../src/browser/in-tab-wording.ts';

it('the in-tab page words the server-only hints for a tab, and leaves other text alone', () => {
  // The sentence as the shared view really says it, so a change there shows here.
  const served = describeView(initialViewState()).trainingSource;
  assert.match(served, /serve with --replay/);
  assert.equal(inTabWording(served), 'no labelled stream yet (drop a labelled recording below)');
  assert.equal(inTabWording('Pass 2 over the replayed corpus: each frame'), 'Pass 2 over the dropped recording: each frame');
  assert.equal(inTabWording('stream mic-1 · 40 frames'), 'stream mic-1 · 40 frames');
});
