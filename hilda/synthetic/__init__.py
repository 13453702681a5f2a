"""A deterministic synthetic driving world written in the exact nuScenes v1.0 format.

Entry point: :func:`hilda.synthetic.world.generate_world` (CLI: ``data_prep/create_demo_world.py``).
"""
