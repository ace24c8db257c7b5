import type { TimelineFrame } from './view-state.ts';

/** A run of frames with one phone on a tier of the timeline, over positions [from, to]. */
export interface TierRun {
  phone: string;
  from: number;
  to: number;
}

/**
 * The tiers of the timeline, like a Praat TextGrid under its spectrogram: runs of the predicted
 * phone (`label`) or of the reference (`truth`, frames without one leave gaps). A run also ends
 * where an utterance ends (the frame index drops) or frames are missing.
 *
 * @param frames - the timeline, oldest first.
 * @param tier - `label` for the predictions, `truth` for the references.
 * @returns the runs, oldest first.
 *
 * ## Example
 * ```ts
 * tierRuns([{ n: 0, i: 0, label: 'a', p: 1, top: [] }, { n: 1, i: 1, label: 'a', p: 1, top: [] }], 'label');
 * // [{ phone: 'a', from: 0, to: 1 }]
 * ```
 */
export function tierRuns(frames: readonly TimelineFrame[], tier: 'label' | 'truth'): TierRun[] {
  const runs: TierRun[] = [];
  let previous: TimelineFrame | undefined;
  for (const f of frames) {
    const phone = f[tier];
    const last = runs[runs.length - 1];
    const continues = previous !== undefined && f.n === previous.n + 1 && f.i === previous.i + 1;
    if (phone !== undefined) {
      if (last && continues && last.phone === phone && last.to === previous!.n) last.to = f.n;
      else runs.push({ phone, from: f.n, to: f.n });
    }
    previous = f;
  }
  return runs;
}

/**
 * Where utterances begin inside the timeline: positions whose frame index is not one more than
 * the previous frame's (a replay moved on to its next utterance).
 *
 * ## Example
 * ```ts
 * utteranceStarts([{ n: 0, i: 7, ... }, { n: 1, i: 0, ... }]); // [1]
 * ```
 */
export function utteranceStarts(frames: readonly TimelineFrame[]): number[] {
  const starts: number[] = [];
  for (let k = 1; k < frames.length; k++) if (frames[k].i !== frames[k - 1].i + 1) starts.push(frames[k].n);
  return starts;
}
