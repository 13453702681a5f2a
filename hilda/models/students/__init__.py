"""LiDAR students: sparse-conv U-Nets (MinkUNet18/34) and a SECOND-style BEV backbone (spconv)."""
from hilda.models.students.compat import configure_spconv_for_device
from hilda.models.students.minkunet import MinkUNet, MinkUNet18, MinkUNet34, StudentOutput
from hilda.models.students.second import BEVFeatures, SecondBackbone

__all__ = ["BEVFeatures", "MinkUNet", "MinkUNet18", "MinkUNet34", "SecondBackbone", "StudentOutput",
           "configure_spconv_for_device"]
