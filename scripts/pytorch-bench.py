#!/usr/bin/python3
"""PyTorch reference timing for `npm run bench:learner` (bench/learner.ts runs it side by side with ours).

Run with Debian's python3-torch (NOT a pyenv python):

    /usr/bin/python3 scripts/pytorch-bench.py --k1 20 --k2 20 --frames 3000
    /usr/bin/python3 scripts/pytorch-bench.py --k1 1 --k2 20 --frames 3000  # framewise
    /usr/bin/python3 scripts/pytorch-bench.py --k1 0 --frames 3000        # inference only

The same job as ours: one thread, batch 1, 39 inputs, an nn.LSTM of hidden 128, nn.Linear to 61
outputs, softmax; random inputs and labels. Every frame is predicted first (a no-grad forward step
from the carried state, softmax, top-3 read back to Python), then every k1 frames TBPTT(k1, k2):
the last max(k1, k2) frames are run again with grad from the state stored at the window's start
(detached), the mean cross-entropy of the last k1 outputs is backpropagated, the gradient clipped
to global norm 1, and Adam (lr 1e-3) steps once. Framewise is k1 = 1: that update after every
frame, over the last k2 frames. Prints one JSON line:
{"k1", "k2", "frames", "msPerFrame", "torch", "mode"} (k1 = 0: inference only).

--lean: the fastest way to write the same training in PyTorch, for a reference that is not a
straw man: no per-frame forward; each window runs as ONE nn.LSTM call with grad, the chunk's
predictions (softmax, top-3) are read from that same forward before the update (so each frame is
still predicted before its label is learned from), then clip and Adam as above. It cannot serve a
live stream frame by frame (predictions come only at chunk boundaries), which ours does.
"""
import argparse
import collections
import json
import time

import torch
from torch import nn


def setup(total, seed, n_in, hidden, n_out):
    """One thread, the model, Adam (lr 1e-3) and `total` random frames with labels."""
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    lstm = nn.LSTM(n_in, hidden)
    out = nn.Linear(hidden, n_out)
    params = list(lstm.parameters()) + list(out.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    xs = torch.randn(total, 1, n_in)
    ys = torch.randint(0, n_out, (total,))
    return lstm, out, params, opt, xs, ys


def run(k1, k2, frames, warmup, seed, n_in=39, hidden=128, n_out=61):
    lstm, out, params, opt, xs, ys = setup(frames + warmup, seed, n_in, hidden, n_out)
    total = warmup + frames
    window = max(k1, k2)
    # (state entering step t) for the last `window` steps: where a recomputed window starts.
    entering = collections.deque(maxlen=window + 1)
    h = torch.zeros(1, 1, hidden)
    c = torch.zeros(1, 1, hidden)
    start = 0.0
    for t in range(total):
        if t == warmup:
            start = time.perf_counter()
        entering.append((h, c))
        with torch.no_grad():
            o, (h, c) = lstm(xs[t:t + 1], (h, c))
            p = torch.softmax(out(o[0, 0]), -1)
            top = torch.topk(p, 3)
            top.indices.tolist()
        if k1 > 0 and (t + 1) % k1 == 0:
            e = t + 1
            w = max(0, e - window)
            h0, c0 = entering[len(entering) - (e - w)]
            o, _ = lstm(xs[w:e], (h0.detach(), c0.detach()))
            logits = out(o[-k1:, 0])
            loss = nn.functional.cross_entropy(logits, ys[e - k1:e])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
    ms = (time.perf_counter() - start) * 1000 / frames
    return {"k1": k1, "k2": k2, "frames": frames, "msPerFrame": ms, "torch": torch.__version__}


def run_lean(k1, k2, frames, warmup, seed, n_in=39, hidden=128, n_out=61):
    lstm, out, params, opt, xs, ys = setup(frames + warmup, seed, n_in, hidden, n_out)
    total = warmup + frames
    window = max(k1, k2)
    h = torch.zeros(1, 1, hidden)
    c = torch.zeros(1, 1, hidden)
    # (time, state) entering each chunk start, for windows reaching back past the chunk (k2 > k1).
    starts = collections.deque(maxlen=window // max(k1, 1) + 2)
    start = 0.0
    for b in range(0, total, k1):
        if b == warmup:
            start = time.perf_counter()
        e = min(total, b + k1)
        starts.append((b, h, c))
        w = max(0, e - window)
        # The oldest stored chunk start at or after w; windows start on chunk boundaries here.
        t0, h0, c0 = next((s for s in starts if s[0] >= w), starts[-1])
        o, (hn, cn) = lstm(xs[t0:e], (h0.detach(), c0.detach()))
        logits = out(o[-(e - b):, 0])
        with torch.no_grad():
            torch.topk(torch.softmax(logits, -1), 3).indices.tolist()
        loss = nn.functional.cross_entropy(logits, ys[b:e])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        h, c = hn.detach(), cn.detach()
    ms = (time.perf_counter() - start) * 1000 / frames
    return {"k1": k1, "k2": k2, "frames": frames, "msPerFrame": ms, "torch": torch.__version__, "mode": "lean"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k1", type=int, default=20, help="frames per update; 0 = inference only")
    ap.add_argument("--k2", type=int, default=20, help="steps of backpropagation (>= k1 here)")
    ap.add_argument("--frames", type=int, default=3000, help="timed frames")
    ap.add_argument("--warmup", type=int, default=200, help="untimed frames first")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lean", action="store_true", help="one nn.LSTM call per window (see above)")
    args = ap.parse_args()
    if args.k1 > 0 and args.k2 < args.k1:
        ap.error("k2 < k1 is not needed by the benchmark's rows")
    if args.lean and args.k1 > 0:
        print(json.dumps(run_lean(args.k1, args.k2, args.frames, args.warmup, args.seed)))
    else:
        r = run(args.k1, args.k2, args.frames, args.warmup, args.seed)
        print(json.dumps({**r, "mode": "per-frame"}))


if __name__ == "__main__":
    main()
