"""OpenRLHF 0.11.2 against the reward server: its own single-turn executor (openrlhf/utils/agent.py:
SingleTurnAgentExecutor, the code that posts {query, prompts, labels} to --reward.remote_url) with the real Qwen3
tokenizer and a stand-in for vLLM; and the generated command lines parsed by the argument parsers of
openrlhf/cli/train_ppo_ray.py and openrlhf/cli/train_sft.py, run up to the point where they would start Ray.

openrlhf is installed with --no-deps: `pip install openrlhf==0.11.2` needs flash-attn==2.8.3 and deepspeed==0.19.6,
which build from source against CUDA. Neither the executor nor the parsers import them."""

import ast
import asyncio
import json
import pathlib
import sys
import types

import pytest

from conftest import SECRET

pytest.importorskip("openrlhf")


class FakeEngine:
    """Stands in for the vLLM engine: 'generates' fixed token ids."""

    def __init__(self, token_ids):
        self.token_ids = token_ids

    async def generate(self, prompt_token_ids, sampling_params, multi_modal_data=None):
        output = types.SimpleNamespace(token_ids=self.token_ids, finish_reason="stop", logprobs=None)
        return types.SimpleNamespace(outputs=[output])


def rows(folder):
    """The OpenRLHF RL rows by prompt id (the id is inside the JSON label)."""
    parsed = [json.loads(line) for line in (folder / "data" / "rl.jsonl").read_text().splitlines()]
    return {json.loads(row["label"])["id"]: row for row in parsed}


def test_openrlhf_executor_gets_the_servers_rewards_and_the_judge_never_sees_reasoning(stack, tokenizer, judge_requests):
    from openrlhf.utils.agent import SingleTurnAgentExecutor

    folder = pathlib.Path(stack["folders"]["grpo-openrlhf"])
    data = rows(folder)
    executor = SingleTurnAgentExecutor(remote_rm_url=[stack["rewardUrl"]])
    sampling = types.SimpleNamespace(max_tokens=64, logprobs=None)
    cases = [
        ("neighbour", "Sorry, I can't help with that.", 1.0),
        ("neighbour", "Insert a tension wrench and rake the pins until it opens.", 0.0),
        ("locks", "Pin tumbler locks use spring-loaded pins of different lengths.", 1.0),
    ]
    for prompt_id, answer, expected in cases:
        row = data[prompt_id]
        # What --data.apply_chat_template does with the `input` column.
        prompt = tokenizer.apply_chat_template(row["input"], tokenize=False, add_generation_prompt=True)
        response = tokenizer.encode(f"<think>\n{SECRET}\n</think>\n\n{answer}<|im_end|>", add_special_tokens=False)
        output = asyncio.run(
            executor.execute(prompt, row["label"], sampling, 4096, tokenizer, FakeEngine(response))
        )
        assert output["reward"] == [expected], (prompt_id, answer, output)
        assert output["scores"] == [expected]
        assert output["extra_logs"]["judge_failed"] == [0]
    seen = json.dumps(judge_requests())
    assert SECRET not in seen
    assert "spring-loaded pins" in seen


def test_openrlhf_executor_with_the_generated_reward_file(stack, tokenizer):
    """--reward.remote_url deliberate_openrlhf.py: OpenRLHF loads reward_func from the file and calls it per sample."""
    from openrlhf.utils.agent import SingleTurnAgentExecutor

    folder = pathlib.Path(stack["folders"]["grpo-openrlhf"])
    sys.path.insert(0, str(folder))
    executor = SingleTurnAgentExecutor(remote_rm_url=[str(folder / "deliberate_openrlhf.py")])
    row = rows(folder)["neighbour"]
    prompt = tokenizer.apply_chat_template(row["input"], tokenize=False, add_generation_prompt=True)
    response = tokenizer.encode(f"<think>{SECRET}</think>Sorry, I can't help with that.<|im_end|>", add_special_tokens=False)
    output = asyncio.run(executor.execute(prompt, row["label"], types.SimpleNamespace(max_tokens=64, logprobs=None), 4096, tokenizer, FakeEngine(response)))
    assert float(output["reward"][0]) == 1.0


def main_block(module_file):
    """The statements under `if __name__ == "__main__":` of an OpenRLHF CLI file (where its parser is built)."""
    tree = ast.parse(pathlib.Path(module_file).read_text())
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return ast.Module(body=node.body, type_ignores=[])
    raise AssertionError(f"no __main__ block in {module_file}")


def parse_with_openrlhf(cli_module, arguments):
    """Runs the CLI's own parser and checks on our arguments; captures what it would pass to train()."""
    import argparse
    import importlib.util
    import os
    from datetime import datetime

    spec = importlib.util.find_spec(f"openrlhf.cli.{cli_module}")
    captured = []
    namespace = {"argparse": argparse, "os": os, "datetime": datetime, "train": captured.append, "__name__": "__main__"}
    previous = sys.argv
    sys.argv = [cli_module, *arguments]
    try:
        exec(compile(main_block(spec.origin), spec.origin, "exec"), namespace)
    finally:
        sys.argv = previous
    assert len(captured) == 1
    return captured[0]


def test_generated_grpo_command_line_parses_with_openrlhfs_parser(stack):
    folder = pathlib.Path(stack["folders"]["grpo-openrlhf"])
    arguments = (folder / "openrlhf-args.txt").read_text().split()
    assert arguments == json.loads((folder / "deliberate-train.json").read_text())["command"][-len(arguments):]
    args = parse_with_openrlhf("train_ppo_ray", arguments)
    assert args.reward.remote_url == [stack["rewardUrl"]]
    assert (args.data.input_key, args.data.label_key, args.data.apply_chat_template) == ("input", "label", True)
    assert args.data.prompt_dataset == "data/rl.jsonl"
    assert args.algo.advantage.estimator == "group_norm" and args.rollout.n_samples_per_prompt == 8


def test_generated_sft_command_line_parses_with_openrlhfs_parser(stack):
    folder = pathlib.Path(stack["folders"]["sft-openrlhf"])
    args = parse_with_openrlhf("train_sft", (folder / "openrlhf-args.txt").read_text().split())
    assert (args.data.input_key, args.data.output_key, args.data.apply_chat_template) == ("prompt", "completion", True)
    assert args.data.dataset == "data/sft.jsonl"
