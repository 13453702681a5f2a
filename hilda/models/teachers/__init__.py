"""Frozen camera teachers (timm ViTs) and sampling of their patch features at pixels."""
from hilda.models.teachers.sampling import sample_features
from hilda.models.teachers.timm_teacher import FrozenTimmTeacher, TeacherOutput, hold_outside

__all__ = ["FrozenTimmTeacher", "TeacherOutput", "hold_outside", "sample_features"]
