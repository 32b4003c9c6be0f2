"""Shared test setup: one torch thread (CI has 2 cores; torch's thread pool fights the other test workers)."""
import torch

torch.set_num_threads(1)
