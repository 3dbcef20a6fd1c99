"""Runs a CR-Net checkpoint written by @relora/crnet in PyTorch and prints or records its logits.

A CR-Net directory holds `config.json` (Hugging Face's Llama fields plus `rank`, with
`model_type: "crnet"`) and `model.safetensors` (F32):
  model.embed_tokens.weight                                  [V, d]
  model.layers.0.self_attn.{q,k,v,o}_proj.weight             [out, in]  (nn.Linear: x @ W.T)
  model.layers.0.mlp.{gate,up,down}_proj.weight              [out, in]
  model.layers.N.self_attn.{q,k,v,o}_proj.crnet_a  (N >= 1)  [in, r]    (used as x @ crnet_a)
  model.layers.N.self_attn.{q,k,v,o}_proj.crnet_b            [r, out]
  model.layers.N.self_attn.{q,k,v,o}_proj.crnet_beta         []
  model.layers.N.mlp.{gate,up,down}_proj.crnet_a / crnet_b / crnet_beta
  model.layers.N.{input,post_attention}_layernorm.weight     [d]
  model.norm.weight [d], lm_head.weight [V, d] (absent when tie_word_embeddings)

CR-Net (Kong et al., arXiv 2509.18993): block 1 is a plain LLaMA block; in every later block l
each projection P is Y_l = c_l * Y_{l-1} + (X_l @ A_l) @ B_l, where Y_{l-1} is the same
projection's output in the block below and c = sign(beta) * (|beta| + 1e-6). The official code
(KongBoao/CR-Net) could not be read; this is the parametrisation as the paper's summaries give it
(q and k chained before the rotary embedding), and the names are @relora/crnet's own. The rest is
Hugging Face's LLaMA (RMSNorm, rotate-half rotary embeddings, causal softmax attention, SwiGLU).
This script needs torch only: it reads safetensors itself and writes the forward out in full.

Usage:
    python crnet_reference.py CHECKPOINT_DIR                  # loss and logits on fixed ids
    python crnet_reference.py CHECKPOINT_DIR --json OUT.json  # also write them as JSON
    python crnet_reference.py CHECKPOINT_DIR --float64        # compute in float64

The fixture test of @relora/crnet (src/crnet-reference.test.ts) compares against JSON written by
    npx tsx fixtures/make-checkpoints.ts fixtures
    python scripts/crnet_reference.py fixtures/crnet-tiny --float64 --json fixtures/crnet-tiny.json
"""
import argparse
import json
import math
import struct
from pathlib import Path

import torch

INPUT_IDS = [[1, 5, 9, 2, 39, 0, 17, 33], [12, 12, 3, 38, 7, 21, 4, 30]]
TARGETS = [[5, 9, 2, 39, 0, 17, 33, -100], [12, 3, 38, 7, 21, 4, 30, 11]]
BETA_FLOOR = 1e-6


def read_safetensors(path):
    """name -> float32 tensor, for a file of F32 tensors."""
    raw = Path(path).read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    body = raw[8 + header_len :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {info['dtype']}, expected F32")
        start, end = info["data_offsets"]
        values = torch.frombuffer(bytearray(body[start:end]), dtype=torch.float32)
        tensors[name] = values.reshape(info["shape"])
    return tensors


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class CrNet:
    def __init__(self, directory, dtype):
        directory = Path(directory)
        self.config = json.loads((directory / "config.json").read_text())
        if self.config.get("model_type") != "crnet":
            raise ValueError(f"{directory}: model_type is not 'crnet'")
        self.w = {k: v.to(dtype) for k, v in read_safetensors(directory / "model.safetensors").items()}
        self.dtype = dtype
        self.previous = {}

    def projection(self, x, layer, kind):
        """Y_l of projection `kind` in block `layer`; remembers it for block layer + 1."""
        module = f"model.layers.{layer}.{kind}"
        if layer == 0:
            y = x @ self.w[f"{module}.weight"].T
        else:
            beta = self.w[f"{module}.crnet_beta"]
            c = torch.sign(beta) * (beta.abs() + BETA_FLOOR)
            y = c * self.previous[kind] + (x @ self.w[f"{module}.crnet_a"]) @ self.w[f"{module}.crnet_b"]
        self.previous[kind] = y
        return y

    def forward(self, input_ids):
        c = self.config
        d, heads = c["hidden_size"], c["num_attention_heads"]
        hd, eps = d // heads, c["rms_norm_eps"]
        theta = c.get("rope_theta", 10000.0)
        batch, seq = input_ids.shape
        inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
        freqs = torch.outer(torch.arange(seq, dtype=torch.float64), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().to(self.dtype), emb.sin().to(self.dtype)
        mask = torch.full((seq, seq), float("-inf"), dtype=self.dtype).triu(1)
        self.previous = {}
        h = self.w["model.embed_tokens.weight"][input_ids]
        for i in range(c["num_hidden_layers"]):
            p = f"model.layers.{i}"
            x = rms_norm(h, self.w[f"{p}.input_layernorm.weight"], eps)
            split = lambda t: t.view(batch, seq, heads, hd).transpose(1, 2)
            q = split(self.projection(x, i, "self_attn.q_proj"))
            k = split(self.projection(x, i, "self_attn.k_proj"))
            v = split(self.projection(x, i, "self_attn.v_proj"))
            q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
            scores = q @ k.transpose(2, 3) / math.sqrt(hd) + mask
            context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, seq, d)
            h = h + self.projection(context, i, "self_attn.o_proj")
            x = rms_norm(h, self.w[f"{p}.post_attention_layernorm.weight"], eps)
            gate = torch.nn.functional.silu(self.projection(x, i, "mlp.gate_proj"))
            up = self.projection(x, i, "mlp.up_proj")
            h = h + self.projection(gate * up, i, "mlp.down_proj")
        h = rms_norm(h, self.w["model.norm.weight"], eps)
        head = self.w["model.embed_tokens.weight" if c.get("tie_word_embeddings") else "lm_head.weight"]
        return h @ head.T


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkpoint")
    parser.add_argument("--json", help="write inputIds, targets, loss and logits here")
    parser.add_argument("--float64", action="store_true", help="compute in float64")
    args = parser.parse_args()
    model = CrNet(args.checkpoint, torch.float64 if args.float64 else torch.float32)
    input_ids, targets = torch.tensor(INPUT_IDS), torch.tensor(TARGETS)
    with torch.no_grad():
        logits = model.forward(input_ids)
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100
        )
    print(f"loss {loss.item():.7f}; logits {list(logits.shape)}, first {logits.reshape(-1)[:4].tolist()}")
    if args.json:
        reference = {
            "torch": torch.__version__,
            "dtype": str(model.dtype),
            "inputIds": INPUT_IDS,
            "targets": TARGETS,
            "loss": loss.item(),
            "logits": [round(x, 9) for x in logits.reshape(-1).tolist()],
        }
        Path(args.json).write_text(json.dumps(reference) + "\n")


if __name__ == "__main__":
    main()
