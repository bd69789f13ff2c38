"""Shared test settings.

TensorFlow is imported lazily through the ``tf`` fixture (its logging is
silenced first).  Hypothesis runs derandomised, so CI sees the same examples
on every run; set HYPOTHESIS_PROFILE=thorough for a longer local sweep.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile(
    "default", max_examples=50, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, or a skip when it is not installed (never a skip on CI)."""
    if os.environ.get("CI"):
        import tensorflow

        return tensorflow
    return pytest.importorskip("tensorflow")
