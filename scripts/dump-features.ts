// Dumps raw (normalisation 'none') features, frame labels and raw 16 kHz samples per utterance,
// plus the replay split, for scripts/accuracy-reference.py.
import { mkdir, writeFile } from 'node:fs/promises';
import { lastValueFrom, toArray } from 'rxjs';
import { listCorpus, loadUtterance, utteranceToFrameEvents, DEFAULT_FEATURE_CONFIG, splitByFile, discoverPhoneSet } from '../src/index.ts';

const root = process.argv[2] ?? '../shared/corpus';
const out = process.argv[3] ?? '.tmp/accuracy/dump';
await mkdir(out, { recursive: true });
const { entries, problems } = await listCorpus(root);
if (problems.length) console.error('problems', problems);
const cfg = { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'none' as const } };
const { train, heldOut } = splitByFile(entries, 0.1, 1);
const segLists = [];
const utts: { id: string; file: string; frames: number; samples: number }[] = [];
for (const [i, e] of entries.entries()) {
  const u = await loadUtterance(e);
  segLists.push(u.segments);
  const evs = await lastValueFrom(utteranceToFrameEvents(u, cfg).pipe(toArray()));
  const frames = evs.filter((x) => x.kind === 'frame') as any[];
  const feats = new Float32Array(frames.length * 26);
  frames.forEach((f, t) => feats.set(f.features, t * 26));
  const file = `u${String(i).padStart(4, '0')}`;
  await writeFile(`${out}/${file}.f32`, Buffer.from(feats.buffer));
  await writeFile(`${out}/${file}.wav.f32`, Buffer.from(new Float32Array(u.audio.samples).buffer));
  await writeFile(`${out}/${file}.labels.json`, JSON.stringify(frames.map((f) => f.label)));
  utts.push({ id: e.id, file, frames: frames.length, samples: u.audio.samples.length });
}
const phones = discoverPhoneSet(segLists);
await writeFile(`${out}/index.json`, JSON.stringify({ phones, utts, train: train.map((e) => e.id), heldOut: heldOut.map((e) => e.id) }, null, 1));
console.log(`dumped ${utts.length} utterances, ${utts.reduce((a, u) => a + u.frames, 0)} frames, ${phones.length} phones, train ${train.length}, held-out ${heldOut.length}`);
