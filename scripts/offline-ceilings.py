#!/usr/bin/env python3
"""The study's offline ceilings in PyTorch, to check `phonestream ceilings` (TensorFlow.js).

Trains the same two models as src/study/train-offline-lstm.ts on the features that
`phonestream ceilings` exported (DIR/manifest.json, see src/study/export-split-features.ts):
an LSTM (unidirectional) and a BLSTM (bidirectional: it reads the whole utterance, so it is not
streamable), `hidden` units per direction, then a linear softmax layer. The same training:

- batches cut from the fit part's utterances sorted by length (ties by position), `batch` each,
  in a random order every epoch (seeded; its own generator, so not the tfjs order);
- full-utterance BPTT on right-padded batches (the backward direction reads each utterance
  reversed, so padding never reaches a real frame), the mean
  cross-entropy over a batch's real frames, Adam (lr, betas 0.9/0.999, eps 1e-8), no clipping;
- the validation part's framewise accuracy after every epoch, early stopping (a new best must be
  strictly better; stop after `patience` epochs without one, or after `max_epochs`), the best
  epoch's weights restored, the held-out part's framewise accuracy and Cohen's kappa;
- initialisation as tfjs-layers': input kernels Glorot-uniform, recurrent kernels orthogonal
  (the whole 4H x H matrix), biases 0 but the forget gate's 1 (bias_ih; bias_hh stays 0),
  the output layer Glorot-uniform with bias 0; gates by the logistic sigmoid.

Writes OUT (JSON): {"lstm": figures, "blstm": figures, "settings": ..., "torch": version}, each
figures entry shaped as CeilingFigures (src/study/ceilings-report.ts) plus its per-epoch history.

Usage:
  python3 scripts/offline-ceilings.py DIR --out pytorch.json [--hidden 128 --batch 8 --lr 1e-3
      --max-epochs 30 --patience 3 --seed 1 --threads 1 --models lstm,blstm]
Needs PyTorch (Debian: apt-get install python3-torch).
"""

import argparse
import copy
import json
import os
import random
import sys
import time

import torch
from torch import nn


def load_part(root, manifest, part):
    dims = manifest["dims"]
    seqs = []
    for u in manifest["parts"][part]:
        with open(os.path.join(root, u["features"]), "rb") as f:
            x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(u["frames"], dims)
        with open(os.path.join(root, u["labels"]), "rb") as f:
            # uint16 little-endian; torch 1.13 has no uint16, so read as int16 and widen.
            y = torch.frombuffer(bytearray(f.read()), dtype=torch.int16).to(torch.int64) & 0xFFFF
        if y.numel() != u["frames"]:
            raise ValueError(f"{u['labels']}: expected {u['frames']} labels, got {y.numel()}")
        seqs.append((x, y))
    return seqs


def length_batches(seqs, batch):
    """Utterance indices sorted by length (ties by position), cut into runs of `batch`: as lengthBatches in tfjs."""
    order = sorted(range(len(seqs)), key=lambda i: (seqs[i][0].shape[0], i))
    return [order[i:i + batch] for i in range(0, len(order), batch)]


def early_stopping(validation, patience, max_epochs):
    """src/study/early-stopping.ts: (best epoch, 1-based; stop; reason)."""
    best_epoch, best = 0, float("-inf")
    for i, v in enumerate(validation):
        if v > best:
            best, best_epoch = v, i + 1
    if len(validation) >= max_epochs:
        return best_epoch, True, "max-epochs"
    if best_epoch > 0 and len(validation) - best_epoch >= patience:
        return best_epoch, True, "patience"
    return best_epoch, False, None


class Ceiling(nn.Module):
    """An LSTM, or a BLSTM as two LSTMs (concatenated), each direction over the real frames only:
    the backward one reads each utterance reversed, then its padding, as in the tfjs trainer. (Not
    nn.LSTM(bidirectional=True) on packed sequences: the same result, but packed sequences' backward
    pass took 5-8 times as long as a padded batch's in Debian's PyTorch 1.13 on this machine.)"""

    def __init__(self, dims, hidden, phones, bidirectional):
        super().__init__()
        self.forward_rnn = nn.LSTM(dims, hidden, batch_first=True)
        self.backward_rnn = nn.LSTM(dims, hidden, batch_first=True) if bidirectional else None
        self.out = nn.Linear((2 if bidirectional else 1) * hidden, phones)
        with torch.no_grad():
            for rnn in [self.forward_rnn] + ([self.backward_rnn] if bidirectional else []):
                for name, p in rnn.named_parameters():
                    if name.startswith("weight_ih"):
                        nn.init.xavier_uniform_(p)  # [4H, in]: fan_in in, fan_out 4H, as Keras' [in, 4H] kernel
                    elif name.startswith("weight_hh"):
                        nn.init.orthogonal_(p)  # [4H, H], the transpose of Keras' orthogonal [H, 4H]
                    elif name.startswith("bias_ih"):
                        p.zero_()
                        p[hidden:2 * hidden] = 1.0  # gates i, f, g, o: the forget gate's bias 1
                    elif name.startswith("bias_hh"):
                        p.zero_()
            nn.init.xavier_uniform_(self.out.weight)
            self.out.bias.zero_()

    def forward(self, batch):
        x, x_rev, rev = batch["x"], batch["x_rev"], batch["rev"]
        # Padding comes after each utterance's real frames, so it never reaches them.
        h, _ = self.forward_rnn(x)
        if self.backward_rnn is not None:
            B, T, H = h.shape
            h_rev, _ = self.backward_rnn(x_rev)
            h_back = h_rev.reshape(B * T, H)[rev].reshape(B, T, H)
            h = torch.cat([h, h_back], -1)
        return self.out(h)


def make_batch(seqs, idx):
    lengths = [seqs[i][0].shape[0] for i in idx]
    T = max(lengths)
    dims = seqs[idx[0]][0].shape[1]
    x = torch.zeros(len(idx), T, dims)
    x_rev = torch.zeros(len(idx), T, dims)
    rev = torch.arange(len(idx) * T)
    y = torch.full((len(idx), T), -100, dtype=torch.int64)
    for b, i in enumerate(idx):
        n = lengths[b]
        x[b, :n] = seqs[i][0]
        x_rev[b, :n] = seqs[i][0].flip(0)
        rev[b * T:b * T + n] = b * T + n - 1 - torch.arange(n)
        y[b, :n] = seqs[i][1]
    return {"x": x, "x_rev": x_rev, "rev": rev}, y


def score(model, seqs, batch, phones):
    """Framewise accuracy and Cohen's kappa over the real frames of a part."""
    model.eval()
    truth_counts = torch.zeros(phones, dtype=torch.int64)
    pred_counts = torch.zeros(phones, dtype=torch.int64)
    correct = frames = 0
    with torch.no_grad():
        for idx in length_batches(seqs, batch):
            batch, y = make_batch(seqs, idx)
            pred = model(batch).argmax(-1)
            real = y != -100
            t, p = y[real], pred[real]
            correct += int((t == p).sum())
            frames += int(real.sum())
            truth_counts += torch.bincount(t, minlength=phones)
            pred_counts += torch.bincount(p, minlength=phones)
    model.train()
    accuracy = correct / frames if frames else 0.0
    chance = float((truth_counts.double() * pred_counts.double()).sum()) / (frames * frames) if frames else 1.0
    kappa = None if chance >= 1.0 else (accuracy - chance) / (1.0 - chance)
    return accuracy, kappa


def train(data, dims, phones, bidirectional, s, log):
    started = time.perf_counter()
    torch.manual_seed(s["seed"] + (1000 if bidirectional else 0))
    model = Ceiling(dims, s["hidden"], phones, bidirectional)
    parameters = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=s["lr"], betas=(0.9, 0.999), eps=1e-8)
    fit = data["fit"]
    batches = length_batches(fit, s["batch"])
    rng = random.Random(s["seed"])
    history, best_state = [], None
    best_epoch, stop, reason = early_stopping([], s["patience"], s["max_epochs"])
    name = "BLSTM" if bidirectional else "LSTM"
    while not stop:
        t0 = time.perf_counter()
        order = list(range(len(batches)))
        rng.shuffle(order)
        loss_sum = loss_frames = 0.0
        for bi in order:
            batch, y = make_batch(fit, batches[bi])
            logits = model(batch)
            n = int((y != -100).sum())
            loss = nn.functional.cross_entropy(logits.reshape(-1, phones), y.reshape(-1), ignore_index=-100, reduction="sum") / n
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += float(loss) * n
            loss_frames += n
        validation_accuracy, _ = score(model, data["validation"], s["batch"], phones)
        epoch = len(history) + 1
        best_epoch, stop, reason = early_stopping([h["validationAccuracy"] for h in history] + [validation_accuracy], s["patience"], s["max_epochs"])
        if best_epoch == epoch:
            best_state = copy.deepcopy(model.state_dict())
        record = {"epoch": epoch, "trainLoss": loss_sum / loss_frames, "validationAccuracy": validation_accuracy, "seconds": time.perf_counter() - t0}
        history.append(record)
        log(f"pytorch {name} epoch {epoch}: loss {record['trainLoss']:.4f}, validation {100 * validation_accuracy:.1f}% in {record['seconds']:.1f} s")
        if not (record["trainLoss"] < float("inf")):
            raise RuntimeError(f"pytorch {name}: training loss {record['trainLoss']} in epoch {epoch} (lower --lr)")
    model.load_state_dict(best_state)
    held_accuracy, held_kappa = score(model, data["heldOut"], s["batch"], phones)
    return {
        "heldOutAccuracy": held_accuracy,
        "heldOutKappa": held_kappa,
        "validationAccuracy": history[best_epoch - 1]["validationAccuracy"],
        "epochs": len(history),
        "bestEpoch": best_epoch,
        "seconds": time.perf_counter() - started,
        "parameters": parameters,
        "history": history,
        "stoppedBy": reason,
    }


def main(argv):
    ap = argparse.ArgumentParser(description="The study's offline LSTM and BLSTM ceilings in PyTorch, on features exported by `phonestream ceilings`.")
    ap.add_argument("features", help="directory with manifest.json (phonestream ceilings' OUT/features)")
    ap.add_argument("--out", required=True, help="where to write the figures (JSON)")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--max-epochs", type=int, default=30)
    ap.add_argument("--patience", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1, as the tfjs wasm backend)")
    ap.add_argument("--models", default="lstm,blstm", help="which to train: lstm, blstm or both (default)")
    a = ap.parse_args(argv)
    if a.hidden < 1 or a.batch < 1 or a.max_epochs < 1 or a.patience < 1 or not a.lr > 0:
        ap.error("--hidden, --batch, --max-epochs and --patience must be >= 1 and --lr > 0")
    models = [m for m in a.models.split(",") if m]
    if not models or any(m not in ("lstm", "blstm") for m in models):
        ap.error("--models: lstm, blstm or lstm,blstm")
    torch.set_num_threads(a.threads)
    with open(os.path.join(a.features, "manifest.json")) as f:
        manifest = json.load(f)
    if manifest.get("format") != "phonestream-split-features/1":
        sys.exit(f"offline-ceilings.py: {a.features}/manifest.json is not an exported split (format {manifest.get('format')!r})")
    data = {part: load_part(a.features, manifest, part) for part in ("fit", "validation", "heldOut")}
    s = {"hidden": a.hidden, "batch": a.batch, "lr": a.lr, "max_epochs": a.max_epochs, "patience": a.patience, "seed": a.seed}
    log = lambda line: print(line, file=sys.stderr, flush=True)
    result = {
        "settings": {"hidden": a.hidden, "batch": a.batch, "lr": a.lr, "maxEpochs": a.max_epochs, "patience": a.patience, "seed": a.seed, "threads": a.threads},
        "torch": torch.__version__,
    }
    for m in models:
        result[m] = train(data, manifest["dims"], len(manifest["phones"]), m == "blstm", s, log)
        log(f"pytorch {m.upper()}: held-out {100 * result[m]['heldOutAccuracy']:.2f}% (best epoch {result[m]['bestEpoch']} of {result[m]['epochs']}) in {result[m]['seconds']:.0f} s")
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
