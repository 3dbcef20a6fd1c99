"""relora-bench's PyTorch peer: the bench's update step, in PyTorch, timed step by step.

`relora-bench --peer torch` starts this script once (a long-lived child) and, after each of its
own case rounds, asks it for the same case, so ours and PyTorch alternate in one invocation and a
burst of load on a shared machine lands on both. It needs torch only (1.13 or later).

The model is the LLaMA decoder of @relora/llama (the paper's, Hugging Face's LlamaForCausalLM):
token embedding, per layer pre-RMSNorm attention with rotate-half rotary embeddings and causal
softmax, pre-RMSNorm SwiGLU MLP down(silu(gate(x)) * up(x)), final RMSNorm, an LM head (untied
unless the request ties it), no biases; weights normal(0, initializer_range), norms ones.
Attention is `F.scaled_dot_product_attention(is_causal=True)` where torch has it (2.0+), else
the matmul, mask and softmax Hugging Face's eager attention computes (`attention` in the hello).

An update step is the bench's (apps/bench/src/timed-step.ts): the mean cross-entropy over every
token of a batch of uniform random ids, backward, `clip_grad_norm_(trainable, max_grad_norm)` (the
norm is not read) and `torch.optim.AdamW(lr, betas (0.9, 0.999), eps 1e-8, weight_decay 0)`, the
defaults of @relora/optim's AdamW. Mode `lora` (the bench's lora and relora cases: a ReLoRA step
between restarts is a LoRA step) wraps q, k, v, o, gate, up and down as the reference's
ReLoRaLinear (and peft's LoRA) computes them: x W^T + s * B(A(dropout(x))) with s = alpha / r, W
frozen (requires_grad False, so autograd skips its gradient), A kaiming-uniform, B zero;
embeddings, norms and the head stay trainable.

Protocol: JSON lines. On start the script prints one line
    {"type": "hello", "torch": "1.13.0", "python": "3.11.2", "threads": 2, "mkldnn": true, ...}
(OMP_WAIT_POLICY is PASSIVE unless set: see below)
or, without torch, {"type": "unavailable", "reason": "..."} and exits 3. Then for each request
line on stdin
    {"id": "demo/full", "mode": "full" | "lora", "model": {"vocabSize", "hiddenSize",
     "intermediateSize", "numLayers", "numHeads", "rmsNormEps", "ropeTheta",
     "tieWordEmbeddings", "initializerRange"}, "rank": 32 | null, "loraAlpha", "loraDropout",
     "batchSize", "seqLen", "threads", "warmupSteps", "warmupSec", "settleSteps", "steps",
     "seed", "lr", "maxGradNorm"}
it prints one line
    {"type": "result", "id", "stepSec": [...], "warmupStepsRun", "threads", "loss": {first, last},
     "params": {"total", "trainable"}}
or {"type": "error", "id", "message"}. Warm-up is the bench's rule: `warmupSteps` untimed steps,
then more until `settleSteps` steps or `warmupSec` seconds. End of stdin ends the script.

By hand (the demo shape, full rank, one thread, 10 timed steps):
    echo '{"id":"demo/full","mode":"full","model":{"vocabSize":258,"hiddenSize":128,
      "intermediateSize":352,"numLayers":4,"numHeads":4,"rmsNormEps":1e-6,"ropeTheta":10000,
      "tieWordEmbeddings":false,"initializerRange":0.02},"rank":null,"loraAlpha":32,
      "loraDropout":0,"batchSize":8,"seqLen":64,"threads":1,"warmupSteps":2,"warmupSec":5,
      "settleSteps":40,"steps":10,"seed":0,"lr":0.001,"maxGradNorm":1}' \
      | tr -d '\n' | python3 apps/bench/scripts/torch_peer.py
"""
import gc
import json
import math
import os
import platform
import re
import sys
import time

# Before torch loads libgomp, which reads it once. OpenMP's idle workers spin by default; next to
# a pthread OpenBLAS (Debian's torch on OpenBLAS), whose own threads need the same cores, a
# two-thread step took ~15x longer on two busy cores than with PASSIVE. Set it to override.
OMP_WAIT_POLICY = os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def loaded_blas():
    """Paths of the BLAS libraries this process has mapped (Linux), e.g. OpenBLAS or netlib's."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line}
    except OSError:
        return []
    return sorted(p for p in paths if re.search(r"blas|mkl|blis|accelerate", p, re.I))


def set_blas_threads(torch, threads):
    """torch.set_num_threads sets OpenMP's threads; OpenBLAS's pthread build keeps a pool of its
    own (all cores by default) unless told, so one-thread PyTorch would not be one thread."""
    import ctypes

    for path in loaded_blas():
        try:
            setter = getattr(ctypes.CDLL(path), "openblas_set_num_threads", None)
        except OSError:
            continue
        if setter is not None:
            setter(int(threads))
            return True
    return False


def emit(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def build_classes(torch):
    nn = torch.nn
    F = torch.nn.functional
    sdpa = getattr(F, "scaled_dot_product_attention", None)

    class RMSNorm(nn.Module):
        def __init__(self, d, eps):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(d))
            self.eps = eps

        def forward(self, x):
            return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))

    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    class LoRALinear(nn.Module):
        """The reference's ReLoRaLinear between restarts: x W^T + s * B(A(dropout(x)))."""

        def __init__(self, base, rank, alpha, dropout):
            super().__init__()
            self.base = base
            base.weight.requires_grad_(False)
            self.lora_A = nn.Linear(base.in_features, rank, bias=False)
            self.lora_B = nn.Linear(rank, base.out_features, bias=False)
            nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
            nn.init.zeros_(self.lora_B.weight)
            self.scaling = alpha / rank
            self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

        def forward(self, x):
            return self.base(x) + self.lora_B(self.lora_A(self.dropout(x))) * self.scaling

    class Attention(nn.Module):
        def __init__(self, d, heads):
            super().__init__()
            self.heads = heads
            self.q_proj = nn.Linear(d, d, bias=False)
            self.k_proj = nn.Linear(d, d, bias=False)
            self.v_proj = nn.Linear(d, d, bias=False)
            self.o_proj = nn.Linear(d, d, bias=False)

        def forward(self, x, cos, sin, mask):
            b, t, d = x.shape
            hd = d // self.heads

            def split(y):
                return y.view(b, t, self.heads, hd).transpose(1, 2)

            q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            if sdpa is not None:
                out = sdpa(q, k, v, is_causal=True)
            else:
                scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(hd) + mask
                out = torch.matmul(torch.softmax(scores, dim=-1), v)
            return self.o_proj(out.transpose(1, 2).reshape(b, t, d))

    class MLP(nn.Module):
        def __init__(self, d, f):
            super().__init__()
            self.gate_proj = nn.Linear(d, f, bias=False)
            self.up_proj = nn.Linear(d, f, bias=False)
            self.down_proj = nn.Linear(f, d, bias=False)

        def forward(self, x):
            return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))

    class Layer(nn.Module):
        def __init__(self, cfg):
            super().__init__()
            d, eps = cfg["hiddenSize"], cfg["rmsNormEps"]
            self.input_layernorm = RMSNorm(d, eps)
            self.self_attn = Attention(d, cfg["numHeads"])
            self.post_attention_layernorm = RMSNorm(d, eps)
            self.mlp = MLP(d, cfg["intermediateSize"])

        def forward(self, h, cos, sin, mask):
            h = h + self.self_attn(self.input_layernorm(h), cos, sin, mask)
            return h + self.mlp(self.post_attention_layernorm(h))

    class Llama(nn.Module):
        def __init__(self, cfg, seq_len):
            super().__init__()
            d, v = cfg["hiddenSize"], cfg["vocabSize"]
            self.embed_tokens = nn.Embedding(v, d)
            self.layers = nn.ModuleList(Layer(cfg) for _ in range(cfg["numLayers"]))
            self.norm = RMSNorm(d, cfg["rmsNormEps"])
            self.lm_head = nn.Linear(d, v, bias=False)
            if cfg["tieWordEmbeddings"]:
                self.lm_head.weight = self.embed_tokens.weight
            std = cfg["initializerRange"]
            for module in self.modules():
                if isinstance(module, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(module.weight, mean=0.0, std=std)
            # Per sequence length, as @relora/llama keeps them: rotary tables and the causal mask.
            hd = d // cfg["numHeads"]
            inv = 1.0 / (cfg["ropeTheta"] ** (torch.arange(0, hd, 2).float() / hd))
            angles = torch.outer(torch.arange(seq_len).float(), inv)
            angles = torch.cat((angles, angles), dim=-1)
            self.register_buffer("cos", angles.cos(), persistent=False)
            self.register_buffer("sin", angles.sin(), persistent=False)
            mask = torch.full((seq_len, seq_len), float("-inf")).triu(1)
            self.register_buffer("mask", mask, persistent=False)

        def loss(self, input_ids, targets):
            h = self.embed_tokens(input_ids)
            for layer in self.layers:
                h = layer(h, self.cos, self.sin, self.mask)
            logits = self.lm_head(self.norm(h))
            return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))

    def apply_lora(model, rank, alpha, dropout):
        for layer in model.layers:
            for parent, names in (
                (layer.self_attn, ("q_proj", "k_proj", "v_proj", "o_proj")),
                (layer.mlp, ("gate_proj", "up_proj", "down_proj")),
            ):
                for name in names:
                    setattr(parent, name, LoRALinear(getattr(parent, name), rank, alpha, dropout))

    return Llama, apply_lora, ("sdpa" if sdpa is not None else "matmul-softmax")


def run_case(torch, classes, req):
    Llama, apply_lora, _ = classes
    torch.set_num_threads(int(req["threads"]))
    set_blas_threads(torch, req["threads"])
    torch.manual_seed(int(req["seed"]))
    cfg, b, t = req["model"], int(req["batchSize"]), int(req["seqLen"])
    model = Llama(cfg, t)
    if req["mode"] == "lora":
        apply_lora(model, int(req["rank"]), float(req["loraAlpha"]), float(req["loraDropout"]))
    elif req["mode"] != "full":
        raise ValueError(f"mode {req['mode']!r}: expected 'full' or 'lora'")
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        trainable, lr=float(req["lr"]), betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0
    )
    tokens = torch.randint(0, cfg["vocabSize"], (b, t + 1))
    input_ids, targets = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
    max_norm = float(req["maxGradNorm"])
    losses = []

    def step():
        optimizer.zero_grad(set_to_none=True)
        start = time.perf_counter()
        loss = model.loss(input_ids, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, max_norm)
        optimizer.step()
        seconds = time.perf_counter() - start
        losses.append(loss.item())
        return seconds

    started, warm = time.perf_counter(), 0
    settle, warm_sec = int(req["settleSteps"]), float(req["warmupSec"])
    while warm < int(req["warmupSteps"]) or (
        warm < settle and time.perf_counter() - started < warm_sec
    ):
        step()
        warm += 1
    step_sec = [step() for _ in range(int(req["steps"]))]
    params = {
        "total": sum(p.numel() for p in model.parameters()),
        "trainable": sum(p.numel() for p in trainable),
    }
    del model, optimizer, trainable
    gc.collect()
    return {
        "type": "result",
        "id": req["id"],
        "stepSec": step_sec,
        "warmupStepsRun": warm,
        "threads": torch.get_num_threads(),
        "loss": {"first": losses[0], "last": losses[-1]},
        "params": params,
    }


def blas_kind(torch, libraries):
    """Which BLAS the matmuls go through: pip wheels link MKL statically (no library to see)."""
    for kind in ("openblas", "mkl", "blis"):
        if any(kind in path.lower() for path in libraries):
            return kind
    if any(re.search(r"/blas/libblas\.so", path) for path in libraries):
        return "netlib-reference"  # Debian's default libblas.so.3: unoptimized, ~15x slower
    return "mkl" if torch.backends.mkl.is_available() else None


def hello(torch, attention):
    shown = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=([^,\s]+)", shown)
    capability = re.search(r"CPU capability usage: (\S+)", shown)
    return {
        "type": "hello",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "executable": sys.executable,
        "threads": torch.get_num_threads(),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "mkl": bool(torch.backends.mkl.is_available()),
        "blas": blas.group(1) if blas else None,
        "blasLibraries": loaded_blas(),
        "blasKind": blas_kind(torch, loaded_blas()),
        "cpuCapability": capability.group(1) if capability else None,
        "config": [line.strip() for line in shown.strip().splitlines()[:6]],
        "attention": attention,
        "ompWaitPolicy": OMP_WAIT_POLICY,
    }


def main():
    try:
        import torch
    except ImportError as error:
        emit({"type": "unavailable", "reason": f"{sys.executable}: {error}"})
        return 3
    classes = build_classes(torch)
    emit(hello(torch, classes[2]))
    for line in sys.stdin:
        if not line.strip():
            continue
        req_id = None
        try:
            req = json.loads(line)
            req_id = req.get("id")
            emit(run_case(torch, classes, req))
        except Exception as error:  # one bad case must not end the peer
            emit({"type": "error", "id": req_id, "message": f"{type(error).__name__}: {error}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
