"""Models built from configs through ``hilda.registry.MODELS`` (``locations`` imports this package)."""
from hilda.models import heads, students, teachers

__all__ = ["heads", "students", "teachers"]
