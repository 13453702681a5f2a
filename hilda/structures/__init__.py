"""Typed data structures shared by the pipeline (calibration, batches, pairs)."""
