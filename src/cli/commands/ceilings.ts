import { InputError } from '../../errors.ts';
import type { CliCommand } from '../cli-command.ts';
import { checkOutputPaths } from '../check-output-path.ts';
import { choiceOption, numberOption, parseOptions } from '../parse-options.ts';

const HELP = `Usage: phonestream ceilings CORPUS... --out DIR [options]

The study's offline ceilings (the comparison Graves & Schmidhuber drew): a unidirectional LSTM and
a bidirectional LSTM (BLSTM; it reads the whole utterance, so it is NOT streamable), trained
offline, batched, by full-utterance BPTT on the study's training files with early stopping on
their validation part, and scored on the study's held-out files (the split of 'phonestream study':
--held-out 0.1 --split-seed 1, the validation part 0.16 of the training files by seed 2).

The split's features (the online learner's: the same pipeline and options, normalised with the
training files' statistics, as the study's held-out files are) are written to DIR/features; the two
models are trained on them by TensorFlow.js (tfjs-layers), and with --pytorch also by
scripts/offline-ceilings.py in PyTorch, on the same features and settings, alongside. Writes
DIR/ceilings.json: each framework's figures for each model, their difference and whether it is
within 1.5 points, the settings and the seconds (DIR/pytorch.json: the script's own output).
'phonestream study --out OUT' shows OUT/ceilings.json: copy it there (not DIR/features).

Options:
  --out DIR           output directory (required)
  --hidden N          units per direction (default 128, the study's)
  --batch N           utterances per batch (default 16)
  --lr X              Adam's learning rate (default 0.003)
  --max-epochs N      epochs at most (default 30)
  --patience N        epochs without a better validation accuracy before stopping (default 3)
  --seed N            initial weights and batch order (default 1)
  --dims 26|39        features (default 26, the study's)
  --pytorch           also train both with PyTorch (needs a Python with torch)
  --python PATH       the Python for --pytorch (default: the first of $PHONESTREAM_PYTHON, python3,
                      /usr/bin/python3 that imports torch)
  --torch-threads N   PyTorch's threads (default 1)
  --quiet             no line per epoch on stderr

Example:
  phonestream ceilings ../shared/corpus --out runs/ceilings --pytorch && cp runs/ceilings/ceilings.json docs/study/`;

export const command: CliCommand = {
  name: 'ceilings',
  summary: 'offline LSTM and BLSTM ceilings on the study split, by TensorFlow.js and (--pytorch) PyTorch',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseOptions('ceilings', argv, {
      out: { type: 'string' },
      hidden: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      'max-epochs': { type: 'string' },
      patience: { type: 'string' },
      seed: { type: 'string' },
      dims: { type: 'string' },
      pytorch: { type: 'boolean' },
      python: { type: 'string' },
      'torch-threads': { type: 'string' },
      quiet: { type: 'boolean' },
    });
    const hidden = numberOption('hidden', values.hidden, { min: 1, max: 4096, integer: true }) ?? 128;
    const batch = numberOption('batch', values.batch, { min: 1, max: 10000, integer: true }) ?? 16;
    const lr = numberOption('lr', values.lr, { min: 1e-9, max: 10 }) ?? 3e-3;
    const maxEpochs = numberOption('max-epochs', values['max-epochs'], { min: 1, max: 100000, integer: true }) ?? 30;
    const patience = numberOption('patience', values.patience, { min: 1, max: 100000, integer: true }) ?? 3;
    const seed = numberOption('seed', values.seed, { integer: true }) ?? 1;
    const torchThreads = numberOption('torch-threads', values['torch-threads'], { min: 1, max: 256, integer: true }) ?? 1;
    const dims = choiceOption('dims', values.dims, ['26', '39'] as const) ?? '26';
    if (positionals.length === 0) throw new InputError('arguments', 'expected at least one corpus directory');
    if (typeof values.out !== 'string') throw new InputError('arguments', '--out DIR is required (where ceilings.json and the features go)');
    if (values.python !== undefined && !values.pytorch) throw new InputError('arguments', '--python is for --pytorch: add --pytorch, or leave --python out');
    await checkOutputPaths('ceilings', [['out', values.out, 'dir']]);
    const { findTorchPython, formatCeilings, runCeilings } = await import('../../study/run-ceilings.ts');
    let python: string | undefined;
    if (values.pytorch) {
      // Before any work: a missing torch is found in a second, not after the tfjs training.
      const found = await findTorchPython(values.python === undefined ? undefined : [values.python]);
      if ('problem' in found) throw new InputError('--pytorch', found.problem);
      python = found.python;
    }
    const report = await runCeilings({
      corpora: positionals,
      out: values.out,
      hidden,
      batch,
      lr,
      maxEpochs,
      patience,
      seed,
      dims: dims === '39' ? 39 : 26,
      python,
      torchThreads,
      log: values.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${formatCeilings(report)}\nwrote ${values.out}/ceilings.json in ${report.seconds!.toFixed(0)} s\n`);
    return 0;
  },
};
