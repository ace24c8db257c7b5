#!/usr/bin/python3
"""PyTorch reference for phonestream's LSTM math (TBPTT gradients); timing is scripts/pytorch-bench.py.

Regenerate the committed fixtures (Debian's python3-torch, NOT a pyenv python):

    /usr/bin/python3 scripts/pytorch-reference.py fixtures --out fixtures/pytorch

Semantics (the same as src/learner/tbptt-gradients.ts driven by the engine): TBPTT(k1, k2) over an
utterance from a zero state; for each chunk [b, e) of k1 frames (the last one partial) the loss is
the mean cross-entropy over the chunk's labelled frames (target >= 0); the gradient flows back
through the recurrence only to w = max(0, e - k2): the state entering step w is .detach()ed, and
chunk frames before w (when k2 < k1) use detached hidden states, so only the output layer sees them.
Gradients are taken with FIXED weights (no update between chunks) so each chunk is an independent
check. Parameters are stored under nn.LSTM / nn.Linear names (weight_ih_l0 ... out.weight, out.bias).
"""
import argparse
import json
import os

import torch
from torch import nn

CONFIGS = [(1, 1), (4, 4), (3, 7), (7, 3), (5, "whole")]


class Net(nn.Module):
    def __init__(self, n_in, hidden, layers, n_out):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, num_layers=layers)
        self.out = nn.Linear(hidden, n_out)


def param_dict(net):
    """Our names (nn.LSTM's without the 'lstm.' prefix, nn.Linear's as out.*) -> tensor."""
    return {k[len("lstm."):] if k.startswith("lstm.") else k: v for k, v in net.named_parameters()}


def chunk_gradients(net, xs, targets, k1, k2):
    """Per chunk: mean CE over labelled frames and its TBPTT(k1, k2) gradient, by .detach()."""
    n = xs.shape[0]
    layers, hidden = net.lstm.num_layers, net.lstm.hidden_size
    with torch.no_grad():
        full, _ = net.lstm(xs.unsqueeze(1))  # [n, 1, H], top layer, from a zero state
        # States after each step, per layer: run step by step to read h and c of every layer.
        states = []
        h = torch.zeros(layers, 1, hidden)
        c = torch.zeros(layers, 1, hidden)
        for t in range(n):
            _, (h, c) = net.lstm(xs[t:t + 1].unsqueeze(1), (h, c))
            states.append((h.clone(), c.clone()))
    results = []
    for b in range(0, n, k1):
        e = min(n, b + k1)
        w = max(0, e - k2)
        labelled = [t for t in range(b, e) if targets[t] >= 0]
        net.zero_grad()
        if w == 0:
            h0 = torch.zeros(layers, 1, hidden)
            c0 = torch.zeros(layers, 1, hidden)
        else:
            h0, c0 = states[w - 1]
        out, _ = net.lstm(xs[w:e].unsqueeze(1), (h0.detach(), c0.detach()))
        tops = []
        for t in labelled:
            tops.append(out[t - w, 0] if t >= w else full[t, 0].detach())
        if labelled:
            logits = net.out(torch.stack(tops))
            loss = nn.functional.cross_entropy(logits, torch.tensor([int(targets[t]) for t in labelled]))
            loss.backward()
            loss_value = loss.item()
        else:
            loss_value = 0.0
        grads = {k: (p.grad if p.grad is not None else torch.zeros_like(p)) for k, p in param_dict(net).items()}
        results.append({
            "start": b, "end": e, "loss": loss_value,
            "grads": {k: rounded(g) for k, g in grads.items()},
        })
    return results


def rounded(t):
    # 8 significant digits: within 1e-8 relative of the float32 value, and a small file.
    return [float("%.8g" % v) for v in t.detach().reshape(-1).tolist()]


def write_fixtures(out_dir):
    torch.manual_seed(20261128)
    n_in, hidden, n_out, n = 3, 4, 5, 10
    os.makedirs(out_dir, exist_ok=True)
    for layers in (1, 2):
        net = Net(n_in, hidden, layers, n_out)
        xs = torch.randn(n, n_in)
        targets = torch.randint(0, n_out, (n,))
        targets[3] = -1  # an unlabelled frame: no loss
        targets[8] = -1
        configs = []
        for k1, k2 in CONFIGS:
            kk2 = n if k2 == "whole" else k2
            configs.append({"k1": k1, "k2": k2, "chunks": chunk_gradients(net, xs, targets, k1, kk2)})
        doc = {
            "generator": "scripts/pytorch-reference.py fixtures (torch %s)" % torch.__version__,
            "shape": {"inputSize": n_in, "hiddenSize": hidden, "layers": layers, "outputSize": n_out},
            "params": {k: rounded(v) for k, v in param_dict(net).items()},
            "inputs": [rounded(x) for x in xs],
            "targets": [int(t) for t in targets],
            "configs": configs,
        }
        path = os.path.join(out_dir, "tbptt-%dlayer.json" % layers)
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.write("\n")
        print("wrote", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    fx = sub.add_parser("fixtures", help="write fixtures/pytorch/*.json")
    fx.add_argument("--out", default="fixtures/pytorch")
    args = ap.parse_args()
    write_fixtures(args.out)


if __name__ == "__main__":
    main()
