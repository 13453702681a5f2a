"""Visualisation: devkit views, point clouds, overlays, BEV, feature PCA -> PNG."""
