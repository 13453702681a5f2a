"""Making spconv 2.3.x run forward *and* backward, correctly, on machines without CUDA.

Found by experiment with spconv 2.3.8 (CPU wheel ``spconv``; the CUDA wheels ``spconv-cuXXX``
share the Python code):

1. Every backward of ``SubMConv3d`` / ``SparseConv3d`` / ``SparseInverseConv3d`` calls
   ``spconv.pytorch.cppcore.get_current_stream()``, i.e. ``torch.cuda.current_stream()``, which
   raises "Found no NVIDIA driver" without CUDA. The CPU kernels ignore the stream, so a function
   returning ``0`` is enough; ``ops``, ``hash`` and ``utils`` import the name, so it is replaced
   in each of them.
2. With more than one torch/OpenMP thread the CPU convs return *wrong, run-to-run different*
   results: ``SpconvOps.scatter_add_cpu`` (``GatherCPU::scatter_add``) shares its row pointers
   between threads (lambda captures by reference), a data race. ``ops`` gets a subclass of
   ``SpconvOps`` whose ``scatter_add_cpu`` is ``torch.index_add_`` on views of the same memory.
   The CUDA wheels run their CPU convs in C++ (``ConvGemmOps``) with the same kernel, so
   ``ops.SPCONV_CPP_GEMM`` is switched off to route them through the patched Python loop (read
   from the source; only the CPU wheel is tested here).
3. The CPU wheel already picks ``ConvAlgo.Native`` (``CPU_ONLY_BUILD``); a CUDA wheel defaults to
   ``MaskImplicitGemm``, whose kernels only exist on the GPU, so students pass ``Native``.

Called explicitly by the students' constructors (never at import); idempotent. On a CUDA machine
nothing is patched: GPU convs need none of this, and CPU convs there (CUDA wheel, C++ path) still
have the race of point 2 unless torch runs with one thread.
"""
from __future__ import annotations

import importlib

import torch

_STREAM_MODULES = ("cppcore", "ops", "hash", "utils")


def _no_stream() -> int:
    return 0


def _as_torch(t) -> torch.Tensor:
    """A torch view of a CPU ``cumm.tensorview.Tensor`` (shares memory)."""
    return torch.from_numpy(t.numpy_view())


def _patched_ops_class(base):
    class SpconvOpsSerialScatter(base):
        """``SpconvOps`` with a race-free CPU scatter-add: ``out[inds[i]] += inp[i]``."""

        @staticmethod
        def scatter_add_cpu(out, inp, inds):
            index = _as_torch(inds).long()
            _as_torch(out).index_add_(0, index, _as_torch(inp)[: index.numel()])

    return SpconvOpsSerialScatter


def configure_spconv_for_device(device: torch.device | str | None = None):
    """Prepare spconv for ``device`` and return the ``ConvAlgo`` its convs should use.

    ``device`` defaults to ``cuda`` when available, else ``cpu``. Without CUDA, spconv is patched
    (once) as described above and ``ConvAlgo.Native`` is returned; on a CUDA machine nothing is
    changed and ``None`` (spconv's own choice) is returned for CUDA, ``Native`` for CPU.
    """
    from spconv.core import ConvAlgo

    device = torch.device(device if device is not None else ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda" and torch.cuda.is_available():
        return None
    if not torch.cuda.is_available():
        for name in _STREAM_MODULES:
            module = importlib.import_module(f"spconv.pytorch.{name}")
            if getattr(module, "get_current_stream", None) is not _no_stream:
                module.get_current_stream = _no_stream
        ops = importlib.import_module("spconv.pytorch.ops")
        if ops.SpconvOps.__name__ != "SpconvOpsSerialScatter":
            ops.SpconvOps = _patched_ops_class(ops.SpconvOps)
        ops.SPCONV_CPP_GEMM = False
    return ConvAlgo.Native
