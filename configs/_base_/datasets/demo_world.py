# The embedded synthetic nuScenes-format world (data_prep/create_demo_world.py arguments).
world = dict(
    data_root="data/demo",
    version="v1.0-mini",
    seed=0,
    scenes=10,
    samples_per_scene=20,
    image_size=(640, 360),
)
