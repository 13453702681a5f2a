# Runtime defaults shared by every run (tools/train.py).
seed = 0
trainer = dict(accelerator="auto", devices=1, num_nodes=1, strategy="auto", precision="32-true",
               log_every_n_steps=10, deterministic=False, num_sanity_val_steps=0)
checkpoint = dict(every_n_epochs=1, save_top_k=-1, save_last=True)
