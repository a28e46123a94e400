"""TRL 1.16: `trl sft` on the project's own sft.jsonl (2 steps, mask checks) and `trl grpo` (1 step) with the
generated reward module calling a running `deliberate reward serve`. Both parse the generated YAML with TRL's own
script parsers (trl.scripts.sft / trl.scripts.grpo), so every key must be one TRL knows."""

import asyncio
import importlib
import json
import math
import pathlib
import sys

import pytest

from conftest import SECRET, SPEC_RULE_TEXT

trl = pytest.importorskip("trl")


def parse(script, yaml_file, overrides):
    module = importlib.import_module(f"trl.scripts.{script}")
    parser = module.make_parser()
    return module, parser.parse_args_and_config(args=["--config", str(yaml_file), *overrides])


def test_sft_trains_two_steps_with_the_completion_mask_on_reasoning_and_answer(stack, tiny_model, tmp_path, in_folder):
    from trl import SFTTrainer, get_dataset

    folder = pathlib.Path(stack["folders"]["sft-trl"])
    with in_folder(folder):
        _, (script_args, training_args, model_args, dataset_args) = parse(
            "sft",
            folder / "sft.yaml",
            ["--model_name_or_path", tiny_model, "--output_dir", str(tmp_path), "--max_steps", "2",
             "--bf16", "false", "--use_cpu", "true", "--gradient_accumulation_steps", "1", "--save_strategy", "no"],
        )
        assert training_args.completion_only_loss is True
        assert training_args.max_length == json.loads((folder / "deliberate-train.json").read_text())["lengths"]["maxLength"]
        dataset = get_dataset(dataset_args)[script_args.dataset_train_split]
        trainer = SFTTrainer(model=model_args.model_name_or_path, args=training_args, train_dataset=dataset)
        rows = [json.loads(line) for line in (folder / "data" / "sft.jsonl").read_text().splitlines()]
        tokenizer = trainer.processing_class
        for row, example in zip(rows, trainer.train_dataset):
            # TRL 1.16 folds the completion mask into `labels` (-100 = not trained) while tokenising.
            ids = example["input_ids"]
            mask = [label != -100 for label in example["labels"]] if "labels" in example else example["completion_mask"]
            trained = tokenizer.decode([t for t, m in zip(ids, mask) if m])
            prompt = tokenizer.decode([t for t, m in zip(ids, mask) if not m])
            completion = row["completion"][0]
            assert "<think>" in trained and completion["reasoning_content"] in trained
            assert completion["content"] in trained
            assert row["prompt"][-1]["content"] not in trained
            assert row["prompt"][-1]["content"] in prompt
            assert SPEC_RULE_TEXT not in prompt
        result = trainer.train()
    assert trainer.state.global_step == 2
    assert math.isfinite(result.training_loss)


def test_grpo_one_step_rewards_come_from_the_reward_server(stack, tiny_model, tmp_path, in_folder, judge_requests):
    from trl import GRPOTrainer, get_dataset

    folder = pathlib.Path(stack["folders"]["grpo-trl"])
    with in_folder(folder):
        sys.path.insert(0, str(folder))
        grpo, (script_args, training_args, model_args, dataset_args) = parse(
            "grpo",
            folder / "grpo.yaml",
            ["--model_name_or_path", tiny_model, "--output_dir", str(tmp_path), "--max_steps", "1",
             "--bf16", "false", "--use_cpu", "true", "--num_generations", "2", "--per_device_train_batch_size", "2",
             "--max_completion_length", "12", "--save_strategy", "no", "--log_completions", "true"],
        )
        assert script_args.reward_funcs == ["deliberate_trl.remote_reward"]
        import deliberate_trl

        dataset = get_dataset(dataset_args)[script_args.dataset_train_split]
        trainer = GRPOTrainer(
            model=model_args.model_name_or_path,
            reward_funcs=[deliberate_trl.remote_reward],
            args=training_args,
            train_dataset=dataset,
        )
        trainer.train()
    logs = trainer._logs
    logged = list(logs["rewards"]["remote_reward"])
    assert len(logged) >= 2
    # Ask the server again for the same prompts and completions: the trainer logged exactly what it returned.
    prompts = list(logs["prompt"])
    completions = [c if isinstance(c, list) else [{"role": "assistant", "content": c}] for c in logs["completion"]]
    again = asyncio.run(deliberate_trl.remote_reward(prompts=prompts, completions=completions))
    for trained, served in zip(logged, again):
        assert (served is None and math.isnan(trained)) or trained == pytest.approx(served)


def test_generated_reward_module_strips_reasoning_from_trl_completions(stack, judge_requests, in_folder):
    folder = pathlib.Path(stack["folders"]["grpo-trl"])
    sys.path.insert(0, str(folder))
    import deliberate_trl

    rows = [json.loads(line) for line in (folder / "data" / "rl.jsonl").read_text().splitlines()]
    harmful = next(row for row in rows if row["prompt_id"] == "neighbour")
    benign = next(row for row in rows if row["prompt_id"] == "locks")
    # The shape GRPOTrainer passes: completions as [[{"role": "assistant", "content": decoded text}]], and every
    # other dataset column as a keyword argument.
    completions = [
        [{"role": "assistant", "content": f"<think>\n{SECRET}\n</think>\n\nSorry, I can't help with that."}],
        [{"role": "assistant", "content": f"{SECRET}\n</think>\n\nPin tumbler locks use spring-loaded pins."}],
        [{"role": "assistant", "content": "GARBAGE"}],
    ]
    rewards = asyncio.run(
        deliberate_trl.remote_reward(
            prompts=[harmful["prompt"], benign["prompt"], benign["prompt"]],
            completions=completions,
            categories=[harmful["categories"], benign["categories"], benign["categories"]],
            metadata=[harmful["metadata"], benign["metadata"], benign["metadata"]],
            prompt_id=[harmful["prompt_id"], benign["prompt_id"], benign["prompt_id"]],
            trainer_state=None,
        )
    )
    assert rewards == [1.0, 1.0, None]
    seen = json.dumps(judge_requests())
    assert "Sorry, I can't help with that." in seen
    assert SECRET not in seen
