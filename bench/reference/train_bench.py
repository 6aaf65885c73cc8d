"""Training-speed worker for bench/train.ts: reads one JSON job per line on stdin, trains the reference
minGPT on random batches in the paper's layout (AdamW, clip 1.0, dropout), and prints one JSON line per job
with the measured steps per second (after warm-up steps, at least `minSteps` steps and `minSeconds`).

Run with OMP_WAIT_POLICY=PASSIVE and OpenBLAS (Debian: libopenblas0-pthread) — see PERF.md.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

from gpt import GPT, Config


def run(job):
    torch.manual_seed(job.get("seed", 0))
    torch.set_num_threads(job.get("threads", 2))
    S = job["reserve"] + 2 * job["length"]
    c = Config(job["vocab"], S, job["layers"], job["heads"], job["width"], job["mlp"], job["dropout"], "pre")
    model = GPT(c)
    model.train()
    opt = model.optimizer(job["lr"], job["weightDecay"], (0.9, 0.95))
    B, L = job["batch"], job["length"]
    frm = S - 1 - L  # first position whose prediction is an output token (model reads S - 1 tokens)
    gen = torch.Generator().manual_seed(1)

    def step():
        tokens = torch.randint(0, job["vocab"], (B, S), generator=gen)
        logits = model(tokens[:, :-1], frm)
        loss = F.cross_entropy(logits.reshape(-1, c.vocab), tokens[:, S - L:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(job.get("warmup", 3)):
        step()
    n, t0 = 0, time.perf_counter()
    while n < job["minSteps"] or time.perf_counter() - t0 < job["minSeconds"]:
        step()
        n += 1
    return {"stepsPerSec": n / (time.perf_counter() - t0), "steps": n, "threads": torch.get_num_threads()}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            out = run(json.loads(line))
        except Exception as e:  # report and keep serving
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
