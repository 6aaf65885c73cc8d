"""Parity check helper: reads JSON files {config, weights, tokens, logitsFrom, targets} written by
tests/runtime/parity.test.ts, runs the PyTorch reference, and prints one JSON line {logits, loss, grads} per
file: logits [B, T - logitsFrom, V], mean cross-entropy against targets, and the loss gradient of every
weight. (One process for all files: importing torch takes seconds.)
"""
import json
import sys

import torch
import torch.nn.functional as F

from gpt import GPT, Config, load_weights


def main(path):
    with open(path) as f:
        job = json.load(f)
    c = job["config"]
    torch.manual_seed(0)
    model = GPT(Config(c["vocab"], c["context"], c["layers"], c["heads"], c["width"], c["mlp"], 0.0, c["norm"]))
    load_weights(model, job["weights"])
    model.eval()
    tokens = torch.tensor(job["tokens"], dtype=torch.long)
    logits = model(tokens, job["logitsFrom"])
    targets = torch.tensor(job["targets"], dtype=torch.long)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
    loss.backward()
    grads = {n: p.grad.reshape(-1).tolist() for n, p in model.named_parameters()}
    json.dump({"logits": logits.reshape(-1).tolist(), "loss": loss.item(), "grads": grads}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    for path in sys.argv[1:]:
        main(path)
