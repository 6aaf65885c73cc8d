"""minGPT as the paper used it, in PyTorch: the reference for parity tests and the training benchmark.

Same architecture and weight names as runtime/src/engine/model.ts (and grammar/src/params.ts):
token + learned position embeddings, blocks of (LayerNorm, causal multi-head self-attention, MLP with
tanh-GELU), pre-LayerNorm or post-LayerNorm, dropout, final LayerNorm, untied head without bias.
Uses Debian's python3-torch.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    def __init__(self, vocab, context, layers, heads, width, mlp, dropout=0.0, norm="pre"):
        self.vocab, self.context, self.layers, self.heads = vocab, context, layers, heads
        self.width, self.mlp, self.dropout, self.norm = width, mlp, dropout, norm


class CausalSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_attn = nn.Linear(c.width, 3 * c.width)
        self.c_proj = nn.Linear(c.width, c.width)
        self.attn_dropout = nn.Dropout(c.dropout)
        self.resid_dropout = nn.Dropout(c.dropout)
        self.heads = c.heads
        mask = torch.tril(torch.ones(c.context, c.context)).view(1, 1, c.context, c.context)
        self.register_buffer("bias", mask, persistent=False)

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        hd = C // self.heads
        q = q.view(B, T, self.heads, hd).transpose(1, 2)  # [B, H, T, hd]
        k = k.view(B, T, self.heads, hd).transpose(1, 2)
        v = v.view(B, T, self.heads, hd).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))  # [B, H, T, T]
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = self.attn_dropout(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = nn.Linear(c.width, c.mlp)
        self.c_proj = nn.Linear(c.mlp, c.width)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(F.gelu(self.c_fc(x), approximate="tanh")))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = c.norm
        self.ln_1 = nn.LayerNorm(c.width)
        self.attn = CausalSelfAttention(c)
        self.ln_2 = nn.LayerNorm(c.width)
        self.mlp = MLP(c)

    def forward(self, x):
        if self.norm == "pre":
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))
        x = self.ln_1(x + self.attn(x))
        return self.ln_2(x + self.mlp(x))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(c.vocab, c.width),
                wpe=nn.Embedding(c.context, c.width),
                drop=nn.Dropout(c.dropout),
                h=nn.ModuleList([Block(c) for _ in range(c.layers)]),
                ln_f=nn.LayerNorm(c.width),
            )
        )
        self.lm_head = nn.Linear(c.width, c.vocab, bias=False)
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * c.layers))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if getattr(module, "bias", None) is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)

    def forward(self, idx, logits_from=0):
        B, T = idx.size()
        pos = torch.arange(0, T, dtype=torch.long, device=idx.device)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x[:, logits_from:])
        return self.lm_head(x)

    def optimizer(self, lr, weight_decay, betas):
        """AdamW with decay only on linear weights (minGPT's configure_optimizers)."""
        decay, no_decay = [], []
        for mn, m in self.named_modules():
            for pn, p in m.named_parameters(recurse=False):
                (decay if isinstance(m, nn.Linear) and pn == "weight" else no_decay).append(p)
        groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=lr, betas=betas)


def load_weights(model, named):
    """named: {name: {"shape": [...], "data": [...]}} with PyTorch names and shapes."""
    state = {k: torch.tensor(v["data"], dtype=torch.float32).view(*v["shape"]) for k, v in named.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("attn.bias")]
    if missing or unexpected:
        raise ValueError(f"weights do not match the model: missing {missing}, unexpected {unexpected}")
