"""A user's torch encoder given by import path (kind: user_encoder)."""

import sys

import numpy as np
import pytest
import torch

from transceivers.agents import build_latent_space
from transceivers.datasets import load_dataset
from transceivers.errors import SemcomInputError
from transceivers.user_encoder import check_spec

MODULE = '''
import torch
from torch import nn

def build(width=8):
    return nn.Sequential(nn.Flatten(), nn.Linear(64, width), nn.Tanh())

def not_a_module():
    return 42

def broken(**kw):
    raise RuntimeError("bad weights file")

def wrong_input():
    return nn.Linear(3, 2)

def nan_encoder():
    class Nan(nn.Module):
        def forward(self, x):
            return torch.full((x.shape[0], 4), float("nan"))
    return Nan()
'''


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    (tmp_path / "my_encoders.py").write_text(MODULE)
    monkeypatch.chdir(tmp_path)          # found in the working directory, not on sys.path
    yield "my_encoders"
    sys.modules.pop("my_encoders", None)


def _space(entry, **spec):
    ds = load_dataset("digits")
    return build_latent_space("mine", {"kind": "user_encoder", "entry": entry, **spec}, ds, np.arange(100)), ds


def test_encodes_the_dataset_with_the_users_module(user_module):
    space, ds = _space(f"{user_module}:build", options={"width": 6}, seed=3, batch_size=500)
    assert space.latents.shape == (len(ds), 6) and space.latents.dtype == torch.float32
    # the module is built under the agent's seed: the same encoder at every run
    torch.manual_seed(3)
    expected = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 6), torch.nn.Tanh())
    with torch.no_grad():
        assert torch.allclose(space.latents, expected(torch.from_numpy(ds.inputs)), atol=1e-6)
    other, _ = _space(f"{user_module}:build", options={"width": 6}, seed=4)
    assert not torch.allclose(space.latents, other.latents)


@pytest.mark.parametrize("entry, spec, words", [
    ("my_encoders:not_a_module", {}, "returned int"),
    ("my_encoders:broken", {}, "RuntimeError: bad weights file"),
    ("my_encoders:missing", {}, "has no 'missing'"),
    ("no_such_module_xyz:build", {}, "cannot be found"),
    ("my_encoders:wrong_input", {}, "encoder failed on inputs of shape"),
    ("my_encoders:nan_encoder", {}, "NaN/inf"),
    ("my_encoders:build", {"latent_dim": 5}, "latent_dim: is 5"),
    ("my_encoders:build", {"options": {"depth": 2}}, "unexpected keyword"),
])
def test_user_errors_name_the_agent(user_module, entry, spec, words):
    with pytest.raises(SemcomInputError) as info:
        _space(entry, **spec)
    assert "models.mine" in str(info.value) and words in str(info.value), str(info.value)


@pytest.mark.parametrize("spec, field", [
    ({"entry": "my_encoders.build"}, "models.mine.entry"),
    ({"entry": "my_encoders:build", "options": [1]}, "models.mine.options"),
    ({"entry": "my_encoders:build", "batch_size": 0}, "models.mine.batch_size"),
    ({"entry": "my_encoders:build", "widht": 3}, "models.mine.widht"),
])
def test_settings_are_checked_before_anything_is_imported(spec, field):
    with pytest.raises(SemcomInputError, match=field.replace(".", r"\.")):
        check_spec("mine", {"kind": "user_encoder", **spec})
