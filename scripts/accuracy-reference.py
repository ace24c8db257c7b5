#!/usr/bin/python3
"""PyTorch reference for phonestream's online learner (run with /usr/bin/python3: torch 1.13).

Trains nn.LSTM(26, 128) + nn.Linear(128, 40) online the way `phonestream replay` does: training
utterances in the replay's order, TBPTT(k1=20, k2=20) with the hidden state carried across chunks
(detached) and reset per utterance, mean cross-entropy over each chunk's labelled steps, one Adam
update per chunk (the final partial chunk too), batch 1. Optional target delay d: step s predicts
frame s - d, the last frame is repeated d times at the end of an utterance. Reports prequential
accuracy and held-out framewise accuracy (state reset per utterance, frozen weights) per epoch.

Input: a dump written by scripts/dump-features.ts (our raw features, normalisation 'none',
through the project's own utteranceToFrameEvents; frame labels; raw 16 kHz samples; the split of
splitByFile(entries, 0.1, 1) as `phonestream replay` makes it):

  npx tsx scripts/dump-features.ts ../shared/corpus .tmp/accuracy/dump
  /usr/bin/python3 scripts/accuracy-reference.py --features ours --norm running          # PyTorch defaults
  /usr/bin/python3 scripts/accuracy-reference.py --clip 1 --forget-bias 1 --eps 1e-7     # our learner's settings
  /usr/bin/python3 scripts/accuracy-reference.py --features htk --norm global --delay 3  # numpy HTK-like MFCC

Measured here (held-out framewise accuracy after epochs 1/2/3, 25 files, 16,849 frames): ours
running 51.6% (seeds 1, 2: 52.2%, 52.0%); with our learner's settings 51.8/57.6/60.2; ours global
52.4/58.1/59.4; htk running 52.3/58.5/60.5; htk global 52.8/58.1/61.1; delay 3 53.2/59.3/61.8.
`phonestream replay` gives 52.0% (one pass) and 60.2% (three).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

DIMS = 26


def load_dump(d):
    idx = json.load(open(os.path.join(d, 'index.json')))
    phones = idx['phones']
    pi = {p: i for i, p in enumerate(phones)}
    utts = {}
    for u in idx['utts']:
        feats = np.fromfile(os.path.join(d, u['file'] + '.f32'), dtype=np.float32).reshape(-1, DIMS)
        labels = np.array([pi[x] for x in json.load(open(os.path.join(d, u['file'] + '.labels.json')))], dtype=np.int64)
        assert len(labels) == len(feats) == u['frames'], u
        utts[u['id']] = dict(feats=feats, labels=labels, wav=os.path.join(d, u['file'] + '.wav.f32'))
    return phones, utts, idx['train'], idx['heldOut']


# ---------------------------------------------------------------- HTK-like MFCC in numpy
def mel(f):
    return 2595.0 * np.log10(1.0 + f / 700.0)


def mel_inv(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def htk_filterbank(n_filters=26, n_fft=512, sr=16000, lo=0.0, hi=8000.0):
    """HTK's triangular filters on the mel scale, weights computed from each bin's mel value."""
    bins = n_fft // 2 + 1
    freqs = np.arange(bins) * sr / n_fft
    m = mel(freqs)
    centres = np.linspace(mel(lo), mel(hi), n_filters + 2)
    fb = np.zeros((n_filters, bins))
    for j in range(n_filters):
        l, c, r = centres[j], centres[j + 1], centres[j + 2]
        up = (m - l) / (c - l)
        down = (r - m) / (r - c)
        fb[j] = np.maximum(0.0, np.minimum(up, down))
    return fb


def deltas(x, window=2):
    """HTK regression deltas with edge repetition (same as src/features/append-deltas.ts)."""
    T = len(x)
    norm = 2 * sum(t * t for t in range(1, window + 1))
    pad = np.concatenate([np.repeat(x[:1], window, 0), x, np.repeat(x[-1:], window, 0)])
    d = np.zeros_like(x)
    for th in range(1, window + 1):
        d += th * (pad[window + th:window + th + T] - pad[window - th:window - th + T])
    return d / norm


def htk_mfcc(samples, variant='power'):
    """c1..c12 + log energy + deltas: pre-emphasis 0.97 on the continuous signal (as ours), 25 ms
    Hamming every 10 ms, 512-point FFT, 26 mel filters on the power spectrum (or amplitude), log,
    DCT-II ortho. Frames as ours: floor((N - 400) / 160) + 1."""
    x = samples.astype(np.float64) * 32768.0
    y = np.empty_like(x)
    y[0] = x[0]
    y[1:] = x[1:] - 0.97 * x[:-1]
    T = (len(y) - 400) // 160 + 1
    idx = np.arange(400)[None, :] + 160 * np.arange(T)[:, None]
    frames = y[idx]
    energy = np.log(np.maximum((frames ** 2).sum(1), 1e-10))
    win = 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(400) / 399)
    spec = np.abs(np.fft.rfft(frames * win, 512))
    if variant == 'power':
        spec = spec ** 2
    fb = htk_filterbank()
    logmel = np.log(np.maximum(spec @ fb.T, 1e-10))
    n = np.arange(26)
    k = np.arange(13)[:, None]
    dct = np.sqrt(2.0 / 26) * np.cos(np.pi * k * (2 * n + 1) / (2 * 26))
    dct[0] /= np.sqrt(2)
    cep = logmel @ dct.T
    static = np.concatenate([cep[:, 1:13], energy[:, None]], 1)
    return np.concatenate([static, deltas(static)], 1).astype(np.float32)


# ---------------------------------------------------------------- normalisation
def running_normalise(train_seq, epochs, warmup=100):
    """Our normalizeRunning with stats carried over the whole replay (all epochs): frame t is
    normalised with the mean/var of frames 0..t (itself included), the first `warmup` frames with
    the stats after `warmup` frames. Returns per-epoch lists of normalised utterances and the
    stats at the end of each epoch (used for the held-out files, as the replay does)."""
    lens = [len(f) for f in train_seq]
    X = np.concatenate(train_seq).astype(np.float64)
    n = len(X)
    out, stats = [], []
    s1 = np.zeros(DIMS)
    s2 = np.zeros(DIMS)
    count = 0
    for e in range(epochs):
        c1 = s1 + np.cumsum(X, 0)
        c2 = s2 + np.cumsum(X * X, 0)
        cnt = count + np.arange(1, n + 1)[:, None]
        mean = c1 / cnt
        var = np.maximum(c2 / cnt - mean ** 2, 0)
        if count == 0 and warmup > 0:
            mean[:warmup - 1] = mean[warmup - 1]
            var[:warmup - 1] = var[warmup - 1]
        Z = ((X - mean) / np.sqrt(var + 1e-8)).astype(np.float32)
        out.append(np.split(Z, np.cumsum(lens)[:-1]))
        s1, s2, count = c1[-1], c2[-1], count + n
        stats.append((mean[-1], var[-1]))
    return out, stats


# ---------------------------------------------------------------- model and training
class Model(nn.Module):
    def __init__(self, n_out, forget_bias):
        super().__init__()
        self.lstm = nn.LSTM(DIMS, 128)
        self.out = nn.Linear(128, n_out)
        if forget_bias is not None:
            with torch.no_grad():
                self.lstm.bias_ih_l0[128:256].fill_(forget_bias)
                self.lstm.bias_hh_l0[128:256].fill_(0.0)

    def forward(self, x, state):
        h, state = self.lstm(x.unsqueeze(1), state)
        return self.out(h.squeeze(1)), state


def pad_delay(feats, labels, d):
    if d == 0:
        return feats, labels
    x = np.concatenate([feats, np.repeat(feats[-1:], d, 0)])
    y = np.concatenate([np.full(d, -1, np.int64), labels])
    return x, y


def train_epoch(model, opt, utts, k, delay, clip):
    correct = total = 0
    lossf = nn.CrossEntropyLoss(ignore_index=-1)
    for feats, labels in utts:
        x, y = pad_delay(feats, labels, delay)
        x = torch.from_numpy(np.ascontiguousarray(x))
        y = torch.from_numpy(y)
        state = None
        for s in range(0, len(x), k):
            xs, ys = x[s:s + k], y[s:s + k]
            logits, state = model(xs, state)
            state = tuple(t.detach() for t in state)
            m = ys >= 0
            if m.sum() == 0:
                continue
            correct += (logits.argmax(1)[m] == ys[m]).sum().item()
            total += m.sum().item()
            loss = lossf(logits, ys)
            opt.zero_grad()
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
    return correct / total


@torch.no_grad()
def evaluate(model, utts, delay):
    correct = total = 0
    for feats, labels in utts:
        x, y = pad_delay(feats, labels, delay)
        logits, _ = model(torch.from_numpy(np.ascontiguousarray(x)), None)
        m = torch.from_numpy(y) >= 0
        correct += (logits.argmax(1)[m] == torch.from_numpy(y)[m]).sum().item()
        total += m.sum().item()
    return correct / total, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dump', default='.tmp/accuracy/dump')
    ap.add_argument('--features', choices=['ours', 'htk', 'htk-amp'], default='ours')
    ap.add_argument('--norm', choices=['global', 'running', 'utterance'], default='running',
                    help='global: train-set mean/var; running: ours (normalizeRunning carried over the replay); utterance: per-utterance CMVN')
    ap.add_argument('--epochs', type=int, default=3)
    ap.add_argument('--k', type=int, default=20)
    ap.add_argument('--delay', type=int, default=0)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--eps', type=float, default=1e-8)
    ap.add_argument('--clip', type=float, default=None, help='global-norm clip (ours defaults to 1); none by default')
    ap.add_argument('--forget-bias', type=float, default=None, help='set b_ih forget rows (ours: 1, b_hh 0); PyTorch default otherwise')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--split', default=None, help='JSON {train, heldOut} id lists replacing the dump\'s split (e.g. another split seed)')
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)

    phones, utts, train_ids, held_ids = load_dump(a.dump)
    if a.split is not None:
        sp = json.load(open(a.split))
        train_ids, held_ids = sp['train'], sp['heldOut']
    if a.features != 'ours':
        for u in utts.values():
            f = htk_mfcc(np.fromfile(u['wav'], dtype=np.float32), 'power' if a.features == 'htk' else 'amp')
            assert len(f) == len(u['labels'])
            u['feats'] = f
    train_raw = [utts[i]['feats'] for i in train_ids]
    train_lab = [utts[i]['labels'] for i in train_ids]
    held_raw = [utts[i]['feats'] for i in held_ids]
    held_lab = [utts[i]['labels'] for i in held_ids]

    if a.norm == 'global':
        X = np.concatenate(train_raw).astype(np.float64)
        mu, var = X.mean(0), X.var(0)
        norm = lambda f, mu=mu, var=var: ((f - mu) / np.sqrt(var + 1e-8)).astype(np.float32)
        train_epochs = [[norm(f) for f in train_raw]] * a.epochs
        held_epochs = [[norm(f) for f in held_raw]] * a.epochs
    elif a.norm == 'utterance':
        cmvn = lambda f: ((f - f.mean(0)) / np.sqrt(f.var(0) + 1e-8)).astype(np.float32)
        train_epochs = [[cmvn(f) for f in train_raw]] * a.epochs
        held_epochs = [[cmvn(f) for f in held_raw]] * a.epochs
    else:
        train_epochs, stats = running_normalise(train_raw, a.epochs)
        held_epochs = [[((f - m) / np.sqrt(v + 1e-8)).astype(np.float32) for f in held_raw] for m, v in stats]

    model = Model(len(phones), a.forget_bias)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, eps=a.eps)
    print(f"features={a.features} norm={a.norm} delay={a.delay} clip={a.clip} forget_bias={a.forget_bias} eps={a.eps} "
          f"seed={a.seed} lr={a.lr} split={a.split or 'dump'}: {len(train_ids)} train utts ({sum(map(len, train_raw))} frames), {len(held_ids)} held out, {len(phones)} phones", flush=True)
    for e in range(a.epochs):
        t0 = time.time()
        preq = train_epoch(model, opt, list(zip(train_epochs[e], train_lab)), a.k, a.delay, a.clip)
        acc, n = evaluate(model, list(zip(held_epochs[e], held_lab)), a.delay)
        print(f"epoch {e + 1}: prequential {100 * preq:.1f}%, held-out {100 * acc:.1f}% ({n} frames) [{time.time() - t0:.0f} s]", flush=True)


if __name__ == '__main__':
    main()
