"""Visualisation: devkit views, point clouds, overlays, BEV, feature PCA -> PNG / PLY / open3d.

Modules (all headless; ``tools/visualize.py`` is the command line):

- ``colors``: height / intensity / depth / 16-class label (devkit colour map) / PCA colours, uint8.
- ``scan``: BEV and chase-camera perspective scatter of a scan with 3D box outlines.
- ``overlay``: points painted pixel-exactly on the camera images via ``Sample.pairs``; six-camera mosaic.
- ``features``: teacher patch features as PCA images next to the camera images.
- ``bev``: occupancy t-1 / t0 / t+1 (``hilda.geometry.bev``) and forecast vs target.
- ``curves``: loss curves of a work dir's ``metrics.csv`` files.
- ``ply``: PLY export; ``interactive``: open3d window (needs a display) and offscreen rendering in a
  child process (``offscreen``), which falls back to matplotlib when the renderer aborts.
- ``loading`` (one sample of an index by token or position), ``commands`` (the CLI's views),
  ``model_outputs`` (checkpoint outputs; placeholders until the pre-training task exists).

Headless behaviour: every PNG is drawn with matplotlib's Agg canvas (no pyplot, no display needed)
or written pixel-exact with PIL. open3d's offscreen renderer works on machines with a Vulkan driver
(including Mesa's llvmpipe software driver); without one it aborts its process, hence the child
process. ``--interactive`` needs ``DISPLAY`` / ``WAYLAND_DISPLAY`` (or macOS / Windows).
"""
