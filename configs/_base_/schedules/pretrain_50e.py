trainer = dict(max_epochs=50, gradient_clip_val=10.0)
