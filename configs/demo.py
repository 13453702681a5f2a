# `make demo`: build the synthetic world, then render devkit views of it.
_base_ = ["./_base_/datasets/demo_world.py"]
work_dir = "outputs/demo"
