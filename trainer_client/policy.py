"""The policy side of the loop: a Qwen2-VL-family model, its tokenizer and image processor.

Two ways in, one code path after: ``tiny_policy`` builds a ~0.2 M-parameter Qwen2-VL from a config
with a byte-level BPE tokenizer trained in-process (no hub, no GPU), and ``pretrained_policy``
loads a real Qwen2-VL / Qwen2.5-VL checkpoint. Prompts use the Qwen chat format with the image's
``<|image_pad|>`` tokens expanded to the number of merged vision patches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from PIL import Image

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>"]
FORMAT_HINT = (
    "Answer in this format: ### Image Description:, ### Rationales:, ### Let's think step by step., "
    "### Step 1:, ### Step 2:, ..., ### The final answer is:"
)


@dataclass
class Policy:
    model: Any
    tokenizer: Any
    image_processor: Any
    device: torch.device
    dtype: torch.dtype

    @property
    def image_token_id(self) -> int:
        return self.model.config.image_token_id

    def prompt_inputs(self, image: Image.Image, question: str) -> dict[str, torch.Tensor]:
        """Token ids and vision inputs of one prompt (batch of one)."""
        vision = self.image_processor(images=[image.convert("RGB")], return_tensors="pt")
        pads = int(vision["image_grid_thw"].prod()) // self.image_processor.merge_size**2
        text = (
            f"<|im_start|>user\n<|vision_start|>{'<|image_pad|>' * pads}<|vision_end|>"
            f"{question}\n{FORMAT_HINT}<|im_end|>\n"
            "<|im_start|>assistant\n"
        )
        ids = self.tokenizer(text, return_tensors="pt", add_special_tokens=False).input_ids
        return {
            "input_ids": ids.to(self.device),
            "pixel_values": vision["pixel_values"].to(self.device, self.dtype),
            "image_grid_thw": vision["image_grid_thw"].to(self.device),
        }

    def _expanded(self, prompt: dict[str, torch.Tensor], n: int) -> dict[str, torch.Tensor]:
        ids = prompt["input_ids"].repeat(n, 1)
        return {
            "input_ids": ids,
            "attention_mask": torch.ones_like(ids),
            "mm_token_type_ids": (ids == self.image_token_id).long(),
            "pixel_values": prompt["pixel_values"].repeat(n, 1),
            "image_grid_thw": prompt["image_grid_thw"].repeat(n, 1),
        }

    @torch.no_grad()
    def sample(
        self, prompt: dict[str, torch.Tensor], n: int, temperature: float, max_new_tokens: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` sampled completions: token ids (n, T) and a mask (n, T) that stops after the first EOS.

        Vision tokens are never sampled: one in a completion would not match the image's features."""
        inputs = self._expanded(prompt, n)
        vision = [
            self.model.config.image_token_id,
            self.model.config.vision_start_token_id,
            self.model.config.vision_end_token_id,
        ]
        out = self.model.generate(
            **inputs,
            do_sample=True,
            temperature=temperature,
            top_p=1.0,
            top_k=0,
            max_new_tokens=max_new_tokens,
            eos_token_id=self.tokenizer.eos_token_id,
            pad_token_id=self.tokenizer.pad_token_id,
            suppress_tokens=vision,
        )
        completion = out[:, prompt["input_ids"].shape[1] :]
        is_eos = completion == self.tokenizer.eos_token_id
        after_eos = (is_eos.cumsum(dim=1) - is_eos.long()) > 0
        return completion, (~after_eos).long()

    def decode(self, completion: torch.Tensor, mask: torch.Tensor) -> list[str]:
        return [
            self.tokenizer.decode(ids[m.bool()], skip_special_tokens=True)
            for ids, m in zip(completion, mask, strict=True)
        ]

    def token_logprobs(self, model, prompt: dict[str, torch.Tensor], completion: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (n, T) of the completion tokens under ``model`` (policy or reference)."""
        inputs = self._expanded(prompt, completion.shape[0])
        ids = torch.cat([inputs["input_ids"], completion], dim=1)
        logits = model(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            mm_token_type_ids=(ids == self.image_token_id).long(),
            pixel_values=inputs["pixel_values"],
            image_grid_thw=inputs["image_grid_thw"],
        ).logits
        start = inputs["input_ids"].shape[1]
        logits = logits[:, start - 1 : -1].float()
        return torch.log_softmax(logits, dim=-1).gather(-1, completion.unsqueeze(-1)).squeeze(-1)

    def supervised_loss(self, prompts: list[dict[str, torch.Tensor]], targets: list[torch.Tensor]) -> torch.Tensor:
        """Mean next-token loss over the targets' tokens (1-D ids, each after its prompt), as one right-padded batch.

        Right padding leaves every real token's logits as they are alone (the model is causal), so a
        batch of a few items costs little more than one and the warm-up needs far fewer steps."""
        rows = [torch.cat([p["input_ids"][0], t]) for p, t in zip(prompts, targets, strict=True)]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.tokenizer.pad_token_id, dtype=torch.long, device=self.device)
        attention = torch.zeros_like(ids)
        labels = torch.full_like(ids, -100)
        for i, (row, prompt) in enumerate(zip(rows, prompts, strict=True)):
            ids[i, : len(row)] = row
            attention[i, : len(row)] = 1
            labels[i, prompt["input_ids"].shape[1] : len(row)] = row[prompt["input_ids"].shape[1] :]
        pixels = torch.cat([p["pixel_values"] for p in prompts])
        grids = torch.cat([p["image_grid_thw"] for p in prompts])
        kinds = (ids == self.image_token_id).long()
        logits = self.model(
            input_ids=ids, attention_mask=attention, mm_token_type_ids=kinds, pixel_values=pixels, image_grid_thw=grids
        ).logits
        return torch.nn.functional.cross_entropy(logits[:, :-1].float().flatten(0, 1), labels[:, 1:].flatten())


def train_tokenizer(corpus: list[str], vocab_size: int = 1024, across_words: bool = False):
    """A byte-level BPE tokenizer with the Qwen chat special tokens, trained in well under a second.

    ``across_words`` lets merges span spaces and line breaks, so the phrases a small templated corpus
    repeats (section headers and the words around them) become single tokens: completions several
    times shorter, which is what lets a tiny model learn the format quickly."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=not across_words)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(corpus, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>", bos_token="<|im_start|>"
    )


def resolve_device(device: str = "auto", dtype: str = "auto") -> tuple[torch.device, torch.dtype]:
    """``auto``: CUDA when present, in bf16 there and fp32 on the CPU."""
    dev = torch.device(
        "cuda" if device == "auto" and torch.cuda.is_available() else ("cpu" if device == "auto" else device)
    )
    torch_dtype = {
        "auto": torch.bfloat16 if dev.type == "cuda" else torch.float32,
        "bf16": torch.bfloat16,
        "fp32": torch.float32,
        "fp16": torch.float16,
    }[dtype]
    return dev, torch_dtype


def tiny_policy(
    corpus: list[str],
    seed: int = 0,
    hidden_size: int = 64,
    layers: int = 2,
    vocab_size: int = 1024,
    across_words: bool = True,
    device: str = "cpu",
    dtype: str = "fp32",
) -> Policy:
    """A randomly initialised tiny Qwen2-VL (CPU by default), with a tokenizer trained on ``corpus``
    (see :func:`train_tokenizer` for ``vocab_size`` and ``across_words``)."""
    from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration, Qwen2VLImageProcessorPil

    tokenizer = train_tokenizer(corpus, vocab_size, across_words)
    ids = tokenizer.convert_tokens_to_ids
    head_dim = hidden_size // 4
    config = Qwen2VLConfig(
        text_config=dict(
            vocab_size=len(tokenizer),
            hidden_size=hidden_size,
            intermediate_size=2 * hidden_size,
            num_hidden_layers=layers,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=2048,
            rope_parameters={"rope_type": "default", "mrope_section": _mrope_section(head_dim)},
            bos_token_id=ids("<|im_start|>"),
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        ),
        vision_config=dict(depth=2, embed_dim=32, hidden_size=hidden_size, num_heads=2),
        image_token_id=ids("<|image_pad|>"),
        vision_start_token_id=ids("<|vision_start|>"),
        vision_end_token_id=ids("<|vision_end|>"),
    )
    torch.manual_seed(seed)
    model: Any = Qwen2VLForConditionalGeneration(config)  # transformers types its .to() as taking the model first
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    dev, torch_dtype = resolve_device(device, dtype)
    return Policy(model.to(dev, torch_dtype), tokenizer, Qwen2VLImageProcessorPil(), dev, torch_dtype)


def _mrope_section(head_dim: int) -> list[int]:
    """Temporal/height/width split of the rotary half-dimension (it must sum to head_dim / 2)."""
    half = head_dim // 2
    t = half // 4
    h = (half - t) // 2
    return [t, h, half - t - h]


def pretrained_policy(path: str, device: str = "auto", dtype: str = "auto") -> Policy:
    """A Qwen2-VL / Qwen2.5-VL checkpoint (local path or hub name), bf16 on CUDA by default."""
    from transformers import AutoModelForImageTextToText, AutoTokenizer, Qwen2VLImageProcessorPil

    dev, torch_dtype = resolve_device(device, dtype)
    model: Any = AutoModelForImageTextToText.from_pretrained(path, dtype=torch_dtype)  # typed .to(): as above
    model = model.to(dev)
    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = "<|endoftext|>"
    return Policy(model, tokenizer, Qwen2VLImageProcessorPil.from_pretrained(path), dev, torch_dtype)
