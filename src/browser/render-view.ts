import { topConfusionRows } from './confusion-rows.ts';
import { describeView } from './describe-view.ts';
import { drawPosteriorgram } from './draw-posteriorgram.ts';
import { phoneHint } from './phone-hint.ts';
import type { PageElements } from './find-page-elements.ts';
import { tierRuns, type TierRun } from './timeline-runs.ts';
import { drawTrainingPlot } from './training-plot.ts';
import { TIMELINE_LENGTH, type StripSegment, type ViewState } from './view-state.ts';

/** Rows of the confusion view. */
const CONFUSION_ROWS = 8;
const NUMBER = new Intl.NumberFormat('en');

/**
 * Draws the view state into the page. Cheap to call once per animation frame: text is only
 * written when it changed, strip items are keyed (only new runs are created), and the plots are
 * redrawn only when their series changed.
 *
 * @param state - what to show.
 * @param el - the page's elements (from `findPageElements`).
 * @param previous - the state drawn last time, if any.
 *
 * ## Example
 * ```ts
 * const el = findPageElements(document);
 * renderView(state, el, lastDrawn);
 * ```
 */
export function renderView(state: ViewState, el: PageElements, previous?: ViewState): void {
  const text = describeView(state);
  setText(el.connection, text.connection);
  el.connection.dataset.state = text.connectionState;
  setText(el.source, text.source);
  setText(el.backend, text.backend);
  setText(el.stream, text.stream);
  setText(el.frames, text.frames);
  setText(el.dropped, text.dropped);
  setText(el.server, text.server);
  setText(el.micButton, text.micButton.label);
  // The label says what a press does (Start/Stop), so no aria-pressed: a screen reader would
  // announce "Stop microphone, pressed", which reads as a contradiction.
  el.micButton.dataset.on = String(text.micButton.pressed);
  el.micButton.disabled = text.micButton.disabled;
  setText(el.trainingSource, text.trainingSource);
  setText(el.accuracyValue, text.accuracy);
  setText(el.accuracyName, text.accuracyName);
  setText(el.trainingNote, text.trainingNote);
  setText(el.lossValue, text.loss);

  const current = state.current;
  setText(el.currentPhone, current ? current.label : '–');
  el.currentPhone.dataset.stream = state.shown ?? '';
  const hint = current ? phoneHint(current.label) : {};
  el.currentPhone.classList.toggle('silence', hint.silence === true);
  setText(
    el.currentHint,
    hint.silence ? 'silence' : hint.ipa ? `/${hint.ipa}/ as in “${hint.example}”` : '\u00a0',
  );
  el.currentMeter.style.width = `${Math.round((current?.p ?? 0) * 100)}%`;
  setText(
    el.currentProb,
    current
      ? `probability ${(current.p * 100).toFixed(0)} %${current.truth === undefined ? '' : ` · reference ${current.truth}`}`
      : 'probability –',
  );

  setText(el.alternatives, text.alternatives);
  renderStrip(el.strip, state.strip);
  el.recent.classList.toggle('labelled', text.labelled);

  if (state.notice !== previous?.notice || previous === undefined) {
    el.notice.hidden = state.notice === undefined;
    setText(el.notice, state.notice ?? '');
  }

  if (state.timeline !== previous?.timeline || state.phones !== previous?.phones || previous === undefined) {
    renderTimeline(state, el);
  }
  if (state.confusion !== previous?.confusion || previous === undefined) renderConfusion(state, el);

  const training = state.training;
  el.accuracyEmpty.hidden = training !== undefined;
  el.lossEmpty.hidden = text.lossEmpty === '';
  setText(el.lossEmpty, text.lossEmpty);
  el.plots.classList.toggle('predict-only', training !== undefined && !training.trains);
  if (training && (training !== previous?.training || previous === undefined)) {
    drawTrainingPlot(el.accuracyPlot, training.seconds, training.accuracy, {
      label: text.accuracyName,
      min: 0,
      max: 1,
      color: '#34d399',
      format: (v) => `${Math.round(v * 100)} %`,
    });
    if (training.trains) {
      drawTrainingPlot(el.lossPlot, training.seconds, training.loss, { label: 'loss', min: 0, color: '#fbbf24', format: (v) => String(v) });
    }
    el.accuracyPlot.setAttribute('aria-label', `${text.accuracyName} ${text.accuracy} after ${training.frames} frames`);
    el.lossPlot.setAttribute('aria-label', `Loss ${text.loss} after ${training.frames} frames`);
  }
}

/** The posteriorgram and, under it on the same time axis, the predicted and reference tiers. */
function renderTimeline(state: ViewState, el: PageElements): void {
  const frames = state.timeline;
  drawPosteriorgram(el.posteriorgram, frames, state.phones, TIMELINE_LENGTH);
  const last = frames.length === 0 ? 0 : frames[frames.length - 1].n;
  const start = last - TIMELINE_LENGTH + 1;
  renderTier(el.tierPredicted, tierRuns(frames, 'label'), start);
  const reference = tierRuns(frames, 'truth');
  renderTier(el.tierReference, reference, start);
  el.timeline.classList.toggle('labelled', reference.length > 0);
  el.posteriorgram.setAttribute(
    'aria-label',
    frames.length === 0 ? 'Posteriorgram: no frames yet' : `Posteriorgram of the last ${frames.length} frames of stream ${state.shown ?? ''}`,
  );
}

/** A tier's runs as boxes placed by percentage of the window (the gutter is in the CSS). */
function renderTier(tier: HTMLElement, runs: readonly TierRun[], start: number): void {
  const items = runs.map((run) => {
    const item = document.createElement('span');
    item.className = 'tier-run';
    if (phoneHint(run.phone).silence) item.classList.add('silence');
    item.style.left = `${((run.from - start) / TIMELINE_LENGTH) * 100}%`;
    item.style.width = `${((run.to - run.from + 1) / TIMELINE_LENGTH) * 100}%`;
    item.textContent = run.phone;
    // Too narrow for its name (10 frames: 12 px on a 600 px lane): the title still has it.
    if (run.to - run.from + 1 < 10) item.classList.add('narrow');
    item.title = `${run.phone}: ${run.to - run.from + 1} frames`;
    return item;
  });
  tier.replaceChildren(...items);
}

function renderConfusion(state: ViewState, el: PageElements): void {
  const confusion = state.confusion;
  setText(
    el.confusionSource,
    confusion
      ? `stream ${confusion.stream} · ${NUMBER.format(confusion.labelled)} labelled frames since this page opened · ${((confusion.correct / confusion.labelled) * 100).toFixed(1)} % right`
      : 'no labelled stream yet',
  );
  const rows = topConfusionRows(confusion, CONFUSION_ROWS).map((row) => {
    const tr = document.createElement('tr');
    const share = `${(row.ofTruth * 100).toFixed(0)} %`;
    const cells = [row.truth, row.predicted, NUMBER.format(row.frames)].map((value) => {
      const td = document.createElement('td');
      td.textContent = value;
      return td;
    });
    const bar = document.createElement('td');
    bar.className = 'share';
    bar.style.setProperty('--share', row.ofTruth.toFixed(3));
    bar.textContent = share;
    tr.append(...cells, bar);
    return tr;
  });
  el.confusionRows.replaceChildren(...rows);
}

function setText(node: HTMLElement, value: string): void {
  if (node.textContent !== value) node.textContent = value;
}

/** Brings the strip's items in line with the segments: drop old keys, update the last, add new. */
function renderStrip(list: HTMLOListElement, segments: readonly StripSegment[]): void {
  const wanted = new Set(segments.map((s) => String(s.key)));
  for (const item of Array.from(list.children) as HTMLElement[]) {
    if (!wanted.has(item.dataset.key ?? '')) item.remove();
  }
  const present = new Map<string, HTMLElement>();
  for (const item of Array.from(list.children) as HTMLElement[]) present.set(item.dataset.key ?? '', item);
  for (const segment of segments) {
    let item = present.get(String(segment.key));
    if (!item) {
      item = createStripItem(segment);
      list.append(item);
    }
    updateStripItem(item, segment);
  }
}

function createStripItem(segment: StripSegment): HTMLElement {
  const item = document.createElement('li');
  item.className = 'phone';
  item.dataset.key = String(segment.key);
  item.dataset.stream = segment.stream;
  item.dataset.label = segment.label;
  const label = document.createElement('span');
  label.className = 'phone-label';
  label.textContent = segment.label;
  const bar = document.createElement('span');
  bar.className = 'phone-bar';
  bar.setAttribute('aria-hidden', 'true');
  item.append(label, bar);
  if (phoneHint(segment.label).silence) item.classList.add('silence');
  return item;
}

function updateStripItem(item: HTMLElement, segment: StripSegment): void {
  const p = segment.pSum / segment.frames;
  // page.css maps --p to opacity 0.6 (unsure) … 1 (sure): even an unsure phone stays readable.
  item.style.setProperty('--p', p.toFixed(3));
  item.style.setProperty('--frames', String(Math.min(segment.frames, 30)));
  // The reference shown is the run's majority one, and the mark is judged by that same phone.
  let truthNode = item.querySelector<HTMLElement>('.phone-truth');
  if (segment.truth !== undefined && !truthNode) {
    truthNode = document.createElement('span');
    truthNode.className = 'phone-truth';
    item.append(truthNode);
  }
  if (truthNode) setText(truthNode, segment.truth ?? '');
  item.classList.toggle('wrong', segment.truth !== undefined && segment.truth !== segment.label);
  const truth = segment.truth === undefined ? '' : `, reference ${segment.truth}`;
  item.title = `${segment.label}: ${(p * 100).toFixed(0)} % over ${segment.frames} frames from ${segment.t.toFixed(2)} s${truth}`;
}
