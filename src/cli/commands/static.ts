import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError, InputError } from '../../errors.ts';
import { selectBackend } from '../../learner/select-backend.ts';
import { PACKAGE_ROOT } from '../../package-root.ts';
import { staticSiteAssets } from '../../static-site/static-site-assets.ts';
import { readCheckpointForSite, writeStaticSite } from '../../static-site/write-static-site.ts';
import type { CliCommand } from '../cli-command.ts';
import { checkOutputPaths } from '../check-output-path.ts';
import { parseOptions } from '../parse-options.ts';

/** The pretrained checkpoint shipped with the package, put in the site when no --checkpoint is given. */
const BUNDLED_CHECKPOINT = fileURLToPath(new URL('fixtures/checkpoint', PACKAGE_ROOT));

const HELP = `Usage: phonestream static --out DIR [options]

Writes a static web site that runs the pipeline in the browser tab, no server behind it: the
page captures the microphone and predicts its phones with the model, and learns from a labelled
recording dropped on it (one .wav/.flac/.mp3 and its .TextGrid, .lab or .PHN), a few online
passes, showing the loss of each. Any static file server can serve DIR (GitHub Pages, nginx,
'python3 -m http.server -d DIR'); browsers allow the microphone on https:// or localhost only.

Options:
  --out DIR           where to write the site (created; files of the same names are replaced)
  --checkpoint DIR    the model to put in the site (default: the bundled fixtures/checkpoint);
                      checked by loading it before anything is written
  --help              this text

The site: index.html, in-tab.js (the bundled features, learner and TensorFlow.js), the wasm
kernels, tfjs/ (TensorFlow.js's wasm backend) and checkpoint/ (model.json, weights, features).
The page publishes its status as window.phonestream (mode, backend, frames, ready, error,
training) for the page embedding it.

Example:
  phonestream static --out site && python3 -m http.server -d site 8000   # open http://localhost:8000/`;

/** `phonestream static --out DIR`: the in-tab site. */
export const command: CliCommand = {
  name: 'static',
  summary: 'write a static site that runs the model in the browser tab (no server)',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseOptions('static', argv, {
      out: { type: 'string' },
      checkpoint: { type: 'string' },
    });
    if (positionals.length > 0) throw new ConfigError(`static: unexpected argument "${positionals[0]}" (see phonestream static --help)`);
    if (!values.out) throw new ConfigError('static: --out DIR is required (where to write the site)');
    await checkOutputPaths('static', [['out', values.out, 'dir']]);
    const checkpointDir = values.checkpoint ?? BUNDLED_CHECKPOINT;
    await assertDirectory(checkpointDir, values.checkpoint === undefined ? 'the bundled checkpoint' : '--checkpoint');
    await selectBackend();
    const checkpoint = await readCheckpointForSite(checkpointDir);
    const site = await writeStaticSite(values.out, await staticSiteAssets(), checkpoint);
    console.error(`phonestream static: wrote ${site.files.length} files (${(site.bytes / 1e6).toFixed(1)} MB) to ${values.out}, the model from ${checkpointDir}`);
    console.error(`serve it with any static file server, e.g. python3 -m http.server -d ${values.out} 8000, and open http://localhost:8000/`);
    return 0;
  },
};

/** The checkpoint must be a directory: a clear message before the loader's about model.json. */
async function assertDirectory(dir: string, what: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch (err) {
    throw new InputError(dir, `${what}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected a checkpoint directory (model.json, weights, features)`);
  }
  throw new InputError(dir, `${what}: not a directory; expected a checkpoint directory (model.json, weights, features)`);
}
