"""Shared fixtures: small synthetic digits, so the unit tests run in seconds without MNIST."""

import matplotlib
import pytest
import torch

matplotlib.use("Agg")
# LABFNS_STRICT=1 and nbval's kernel retry: ../conftest.py (every pytest run, not only those of tests/).


@pytest.fixture
def tiny():
    """200 separable fake 'images' (N×28×28 in [0, 1]) with labels 0-9: class m lights up row 2m."""
    g = torch.Generator().manual_seed(0)
    labels = torch.arange(200) % 10
    images = 0.1 * torch.rand(200, 28, 28, generator=g)
    images[torch.arange(200), 2 * labels + 2, :] = 1.0
    return images, labels
