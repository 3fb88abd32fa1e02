"""Process settings for inference: which libraries load and how many threads math uses.

This module imports nothing heavy, so launchers can call it before anything else.
"""

from __future__ import annotations


def limit_math_threads(threads: int = 1) -> None:
    """Run numpy's BLAS and OpenMP pools with ``threads`` threads in this process.

    The engine scores one patient at a time: its matrix products are tiny, and on a busy
    2-core machine extra BLAS threads only add synchronisation (milliseconds at p95). The
    action server calls this once at start-up; onnxruntime has its own setting
    (``SYMCHECK_CLASSIFIER_THREADS``).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)


def freeze_loaded_objects() -> None:
    """Keep what is loaded so far (the knowledge base, the models, the libraries) out of the
    garbage collector's way, once start-up is over.

    A full collection walks every tracked object: with the engine loaded, about 300,000, which
    on this 2-core machine paused an assessment for about 150 ms every few hundred. Frozen
    objects are never collected (they live as long as the process anyway), so a full
    collection only walks what requests create.
    """
    import gc

    gc.collect()
    gc.freeze()


#: Packages only training needs; inference processes never import them.
TRAINING_ONLY_PACKAGES = ("torch",)


def keep_training_libraries_out() -> None:
    """Make the training-only packages unimportable in this (inference) process.

    PyTorch is installed for ``make train`` only, but spaCy's thinc imports it whenever it is
    installed (about 185 MB of memory per process, and slower start-up); nothing on the
    inference path uses it (the encoder runs on onnxruntime). Call before anything imports
    spaCy; a package already imported is left alone.
    """
    import sys

    for name in TRAINING_ONLY_PACKAGES:
        sys.modules.setdefault(name, None)  # type: ignore[assignment]
