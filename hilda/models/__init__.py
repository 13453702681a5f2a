"""Models built from configs through ``hilda.registry.MODELS`` (``locations`` imports this package)."""
from hilda.models import students, teachers

__all__ = ["students", "teachers"]
