"""verl 0.9.1: its reward loading path (verl/trainer/ppo/reward.py: get_custom_reward_fn, which reads
reward.custom_reward_function.path / name) imports the generated deliberate_verl.py and calls it the way its naive
reward manager does (verl/experimental/reward_loop/reward_manager/naive.py) on rows of our Parquet loaded through
verl's RL dataset class (verl/utils/dataset/rl_dataset.py: RLHFDataset); the generated Hydra overrides compose with
verl's own trainer configs.

verl is installed with --no-deps (its pin transformers<5.11 is met; vllm and flash-attn are not needed here)."""

import json
import pathlib

import pytest

from conftest import SECRET

pytest.importorskip("verl")


def config_folder():
    import verl

    return str(pathlib.Path(verl.__file__).parent / "trainer" / "config")


def compose(name, overrides):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=config_folder(), version_base=None):
        return hydra_compose(config_name=name, overrides=overrides)


def test_verl_loads_the_generated_reward_and_scores_our_parquet(stack, tokenizer, judge_requests):
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn
    from verl.utils.dataset.rl_dataset import RLHFDataset

    folder = pathlib.Path(stack["folders"]["grpo-verl"])
    overrides = (folder / "verl-overrides.txt").read_text().split()
    config = compose("ppo_trainer", overrides)
    assert config.reward.custom_reward_function.path == "deliberate_verl.py"
    config.reward.custom_reward_function.path = str(folder / "deliberate_verl.py")
    compute_score = get_custom_reward_fn(config)
    assert compute_score is not None

    data_config = OmegaConf.merge(config.data, {"return_raw_chat": True})
    dataset = RLHFDataset(data_files=[str(folder / "data" / "rl.parquet")], tokenizer=tokenizer, config=data_config)
    assert len(dataset) == 8
    answers = {"neighbour": ("Sorry, I can't help with that.", 1.0), "locks": ("Pin tumbler locks use pins.", 1.0),
               "garbage": ("GARBAGE", 0.0)}
    scored = {}
    for index in range(len(dataset)):
        row = dataset[index]
        prompt_id = row["extra_info"]["prompt_id"]
        if prompt_id not in answers:
            continue
        answer, _ = answers[prompt_id]
        # What verl's naive reward manager passes: the decoded response (reasoning still in), the row's fields.
        scored[prompt_id] = compute_score(
            data_source=row["data_source"],
            solution_str=f"<think>\n{SECRET}\n</think>\n\n{answer}",
            ground_truth=row["reward_model"]["ground_truth"],
            extra_info=row["extra_info"],
        )
    assert scored["neighbour"] == {"score": 1.0, "judge_failed": 0.0, "judge_score": 1.0}
    assert scored["locks"]["score"] == 1.0
    assert scored["garbage"] == {"score": 0.0, "judge_failed": 1.0, "judge_score": 0.0}
    assert SECRET not in json.dumps(judge_requests())


def test_generated_sft_overrides_compose_and_the_sft_parquet_has_messages(stack):
    import pyarrow.parquet as pq

    folder = pathlib.Path(stack["folders"]["sft-verl"])
    config = compose("sft_trainer_engine", (folder / "verl-overrides.txt").read_text().split())
    assert config.data.messages_key == "messages"
    table = pq.read_table(folder / "data" / "sft.parquet").to_pylist()
    assistant = table[0]["messages"][-1]
    assert assistant["role"] == "assistant" and assistant["reasoning_content"]
