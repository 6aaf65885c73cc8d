"""For tests/runtime/export.test.ts: loads weights exported by `ptx export` into the PyTorch reference
(gpt.py) and prints one JSON line {logits, adapterLogits} per job file {config, model, tokens, adapter?,
base?}. `model` is a .safetensors file loaded with load_state_dict(strict=True); for a LoRA run, `adapter`
and `base` (the parent's model file) are combined by the adapter's metadata (W[rows] += B·A·scale) and run
too, so the test sees that the adapter reproduces the merged weights.
"""
import json
import sys

import torch

from gpt import GPT, Config
from read_safetensors import read_safetensors


def logits_of(c, state, tokens):
    torch.manual_seed(0)
    model = GPT(Config(c["vocab"], c["context"], c["layers"], c["heads"], c["width"], c["mlp"], 0.0, c["norm"]))
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        return model(torch.tensor(tokens, dtype=torch.long)).reshape(-1).tolist()


def apply_lora(base, adapter, metadata):
    state = {k: v.clone() for k, v in base.items()}
    scale = float(metadata["scale"])
    for t in json.loads(metadata["targets"]):
        delta = adapter[t["adapter"] + ".B"] @ adapter[t["adapter"] + ".A"] * scale
        rows = t["rows"] or [0, state[t["weight"]].shape[0]]
        state[t["weight"]][rows[0] : rows[1]] += delta
    return state


def main(path):
    with open(path) as f:
        job = json.load(f)
    state, _ = read_safetensors(job["model"])
    out = {"logits": logits_of(job["config"], state, job["tokens"]), "adapterLogits": None}
    if job.get("adapter"):
        adapter, metadata = read_safetensors(job["adapter"])
        base, _ = read_safetensors(job["base"])
        out["adapterLogits"] = logits_of(job["config"], apply_lora(base, adapter, metadata), job["tokens"])
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        main(p)
