"""Geometry kernels: projection to pixels, voxelisation, sweep accumulation, BEV grids."""
