"""tools/train.py: a short run lowers the loss; SIGKILL + --resume continues identically; bad input."""
from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tasks.conftest import DEMO, options_argv

ROOT = Path(__file__).resolve().parents[2]


def train(work_dir: Path, options: dict, *extra, check=True, popen=False):
    argv = [sys.executable, "tools/train.py", DEMO, "--work-dir", str(work_dir), *extra, *options_argv(options)]
    if popen:
        return subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    res = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    if check:
        assert res.returncode == 0, res.stderr[-3000:]
    return res


def losses_by_step(work_dir: Path) -> dict[int, float]:
    out = {}
    for path in sorted(work_dir.glob("logs/version_*/metrics.csv")):
        with open(path) as f:
            for row in csv.DictReader(f):
                if row.get("train/loss"):
                    out[int(row["step"])] = float(row["train/loss"])
    return out


RUN = {"trainer.max_epochs": 3, "trainer.limit_train_batches": 3, "trainer.deterministic": True,
       "trainer.log_every_n_steps": 1, "model.diffusion.num_steps": 50}


def test_short_run_decreases_loss_and_resume_after_sigkill_matches(tiny_options, tmp_path):
    options = dict(tiny_options, **RUN)
    ref = tmp_path / "ref"
    res = train(ref, options)
    assert "checkpoint:" in res.stdout and (ref / "config.py").is_file() and (ref / "loss.png").is_file()
    ref_losses = losses_by_step(ref)
    assert sorted(ref_losses) == list(range(9))
    first, last = sum(ref_losses[s] for s in range(3)) / 3, sum(ref_losses[s] for s in range(6, 9)) / 3
    assert last < first, ref_losses
    assert list((ref / "tb").rglob("events.out.tfevents.*"))

    killed = tmp_path / "killed"
    proc = train(killed, options, popen=True)
    ckpt = killed / "checkpoints" / "last.ckpt"
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:
        if list((killed / "checkpoints").glob("epoch=0-*.ckpt")) and ckpt.is_file():
            size = ckpt.stat().st_size
            time.sleep(0.3)
            if ckpt.stat().st_size == size:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = {s for s in losses_by_step(killed)}
    assert max(done, default=-1) < 8
    train(killed, options, "--resume")
    resumed = losses_by_step(killed)
    assert sorted(resumed) == list(range(9))
    for step in range(3, 9):
        assert resumed[step] == pytest.approx(ref_losses[step], rel=1e-5, abs=1e-6), step


@pytest.mark.parametrize("option, message", [
    ({"model.student.not_a_key": 3}, "not_a_key"),
    ({"data.train.index": "/nope/index_mini_train.json"}, "create_nuscenes_index.py"),
    ({"teacher_cache.root": "/nope/cache"}, "cache_teacher_features.py"),
    ({"trainer.max_epochz": 1}, "max_epochz"),
])
def test_bad_config_fails_before_training_with_the_key(tiny_options, tmp_path, option, message):
    options = dict(tiny_options, **option)
    if "teacher_cache.root" in option:
        del options["teacher_cache"]  # keep the demo's cache section, pointed elsewhere
    res = train(tmp_path / "bad", options, check=False)
    assert res.returncode == 2, res.stderr[-2000:]
    err = res.stderr.strip().splitlines()
    assert message in err[-1] and err[-1].startswith("error:")
    assert not (tmp_path / "bad" / "checkpoints").exists()


def test_unknown_top_level_key_is_named(tiny_options, tmp_path):
    res = train(tmp_path / "bad", dict(tiny_options, **{"optimiser": 1}), check=False)
    assert res.returncode == 2 and "optimiser" in res.stderr


def test_fresh_run_into_a_work_dir_with_checkpoints_is_refused(tiny_options, tmp_path):
    (tmp_path / "w" / "checkpoints").mkdir(parents=True)
    (tmp_path / "w" / "checkpoints" / "last.ckpt").write_bytes(b"x")
    res = train(tmp_path / "w", tiny_options, check=False)
    assert res.returncode == 2 and "--resume" in res.stderr.strip().splitlines()[-1]
