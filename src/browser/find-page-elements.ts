/** The elements of index.html the page writes to. */
export interface PageElements {
  connection: HTMLElement;
  source: HTMLElement;
  currentPhone: HTMLElement;
  currentHint: HTMLElement;
  currentMeter: HTMLElement;
  currentProb: HTMLElement;
  alternatives: HTMLElement;
  recent: HTMLElement;
  micButton: HTMLButtonElement;
  strip: HTMLOListElement;
  trainingSource: HTMLElement;
  trainingNote: HTMLElement;
  accuracyName: HTMLElement;
  accuracyValue: HTMLElement;
  lossValue: HTMLElement;
  plots: HTMLElement;
  accuracyPlot: HTMLElement;
  lossPlot: HTMLElement;
  posteriorgram: HTMLCanvasElement;
  tierPredicted: HTMLElement;
  tierReference: HTMLElement;
  timeline: HTMLElement;
  confusionSource: HTMLElement;
  confusionRows: HTMLTableSectionElement;
  accuracyEmpty: HTMLElement;
  lossEmpty: HTMLElement;
  notice: HTMLElement;
  backend: HTMLElement;
  stream: HTMLElement;
  frames: HTMLElement;
  dropped: HTMLElement;
  server: HTMLElement;
}

/**
 * Finds the elements of index.html the page writes to, by id.
 *
 * @param doc - the page's document.
 * @returns the elements, typed.
 * @throws Error naming the missing id, if index.html and this file are out of step.
 *
 * ## Example
 * ```ts
 * const el = findPageElements(document);
 * el.micButton.addEventListener('click', toggle);
 * ```
 */
export function findPageElements(doc: Document): PageElements {
  const get = <T extends HTMLElement>(id: string): T => {
    const el = doc.getElementById(id);
    if (!el) throw new Error(`index.html has no element #${id}`);
    return el as T;
  };
  return {
    connection: get('connection'),
    source: get('source'),
    currentPhone: get('current-phone'),
    currentHint: get('current-hint'),
    currentMeter: get('current-meter'),
    currentProb: get('current-prob'),
    alternatives: get('alternatives'),
    recent: get('recent'),
    micButton: get('mic-button'),
    strip: get('strip'),
    trainingSource: get('training-source'),
    trainingNote: get('training-note'),
    accuracyName: get('accuracy-name'),
    accuracyValue: get('accuracy-value'),
    lossValue: get('loss-value'),
    accuracyPlot: get('accuracy-plot'),
    lossPlot: get('loss-plot'),
    plots: get('plots'),
    posteriorgram: get('posteriorgram'),
    tierPredicted: get('tier-predicted'),
    tierReference: get('tier-reference'),
    timeline: get('timeline'),
    confusionSource: get('confusion-source'),
    confusionRows: get('confusion-rows'),
    accuracyEmpty: get('accuracy-empty'),
    lossEmpty: get('loss-empty'),
    notice: get('notice'),
    backend: get('status-backend'),
    stream: get('status-stream'),
    frames: get('status-frames'),
    dropped: get('status-dropped'),
    server: get('status-server'),
  };
}
