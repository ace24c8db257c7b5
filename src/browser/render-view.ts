import { describeView } from './describe-view.ts';
import { drawLinePlot } from './draw-line-plot.ts';
import { phoneHint } from './phone-hint.ts';
import type { PageElements } from './find-page-elements.ts';
import type { StripSegment, ViewState } from './view-state.ts';

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

  const training = state.training;
  el.accuracyEmpty.hidden = el.lossEmpty.hidden = training !== undefined;
  if (training && (training !== previous?.training || previous === undefined)) {
    drawLinePlot(el.accuracyPlot, training.accuracy, {
      min: 0,
      max: 1,
      color: '#34d399',
      guides: [0.25, 0.5, 0.75],
      format: (v) => `${v * 100} %`,
    });
    const lossTop = Math.max(1, ...training.loss.filter(Number.isFinite));
    drawLinePlot(el.lossPlot, training.loss, {
      min: 0,
      max: lossTop * 1.1,
      color: '#fbbf24',
      guides: lossGuides(lossTop),
      format: (v) => String(v),
    });
    el.accuracyPlot.setAttribute('aria-label', `${text.accuracyName} ${text.accuracy} after ${training.frames} frames`);
    el.lossPlot.setAttribute('aria-label', `Loss ${text.loss} after ${training.frames} frames`);
  }
}

/** Whole-number guides for the loss plot: 1, 2, 3 … or every 2nd/5th when the loss is large. */
function lossGuides(top: number): number[] {
  const step = top > 12 ? 5 : top > 6 ? 2 : 1;
  const guides: number[] = [];
  for (let v = step; v <= top; v += step) guides.push(v);
  return guides;
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
  if (segment.truth !== undefined) {
    const truth = document.createElement('span');
    truth.className = 'phone-truth';
    truth.textContent = segment.truth;
    item.append(truth);
  }
  if (phoneHint(segment.label).silence) item.classList.add('silence');
  return item;
}

function updateStripItem(item: HTMLElement, segment: StripSegment): void {
  const p = segment.pSum / segment.frames;
  // page.css maps --p to opacity 0.6 (unsure) … 1 (sure): even an unsure phone stays readable.
  item.style.setProperty('--p', p.toFixed(3));
  item.style.setProperty('--frames', String(Math.min(segment.frames, 30)));
  const wrong = segment.labelled > 0 && segment.correct * 2 < segment.labelled;
  item.classList.toggle('wrong', wrong);
  const truth = segment.truth === undefined ? '' : `, reference ${segment.truth}`;
  item.title = `${segment.label}: ${(p * 100).toFixed(0)} % over ${segment.frames} frames from ${segment.t.toFixed(2)} s${truth}`;
}
