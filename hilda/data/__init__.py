"""Data: label spaces, index records, datasets, transforms, collate."""
