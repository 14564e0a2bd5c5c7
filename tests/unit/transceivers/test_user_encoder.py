"""A user's torch encoder given by import path (kind: torch): encoding, caching, errors."""

import importlib
import sys

import numpy as np
import pytest
import torch

from semcom.transceivers.agents import build_latent_space
from semcom.transceivers.datasets import load_dataset
from semcom.core.errors import SemcomInputError
from semcom.core.trust import ALLOW_CODE_ENV
from semcom.transceivers.user_encoder import check_spec

MODULE = """
import torch
from torch import nn

CALLS = []          # one entry per encoder built: shows whether the cache was used

def build(width=8):
    CALLS.append(width)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, width), nn.Tanh())

def not_a_module():
    return 42

def broken(**kw):
    raise RuntimeError("bad weights file")

def wrong_input():
    return nn.Linear(3, 2)

def three_dims():
    return nn.Conv2d(1, 2, 3)

def one_row():
    class OneRow(nn.Module):
        def forward(self, x):
            return torch.zeros(1, 4)
    return OneRow()

def nan_encoder():
    class Nan(nn.Module):
        def forward(self, x):
            out = torch.zeros(x.shape[0], 4)
            out[5:7, 1] = float("nan")
            return out
    return Nan()
"""


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    """A module written by the test, importable through sys.path; a private latent cache."""
    (tmp_path / "my_encoders.py").write_text(MODULE)
    (tmp_path / "fails_on_import.py").write_text("raise ImportError('needs a GPU driver')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("SEMCOM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(ALLOW_CODE_ENV, "1")  # this process opted in to user code
    for name in ("my_encoders", "fails_on_import"):
        sys.modules.pop(name, None)
    yield importlib.import_module("my_encoders")
    for name in ("my_encoders", "fails_on_import"):
        sys.modules.pop(name, None)


def _space(entry, **spec):
    ds = load_dataset("digits")
    return build_latent_space("mine", {"kind": "torch", "import": entry, **spec}, ds, np.arange(100)), ds


def test_encodes_the_dataset_with_the_users_module(user_module):
    space, ds = _space("my_encoders:build", kwargs={"width": 6}, seed=3, batch_size=500, latent_dim=6)
    assert space.name == "mine"
    assert space.latents.shape == (len(ds), 6) and space.latents.dtype == torch.float32
    # the module is built under the agent's seed: the same encoder at every run
    torch.manual_seed(3)
    expected = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 6), torch.nn.Tanh())
    with torch.no_grad():
        assert torch.allclose(space.latents, expected(torch.from_numpy(ds.inputs)), atol=1e-6)
    other, _ = _space("my_encoders:build", kwargs={"width": 6}, seed=4)
    assert not torch.allclose(space.latents, other.latents)


def test_latents_are_cached_by_import_path_kwargs_and_seed(user_module):
    first, _ = _space("my_encoders:build", kwargs={"width": 5})
    again, _ = _space("my_encoders:build", kwargs={"width": 5})
    assert user_module.CALLS == [5] and torch.equal(first.latents, again.latents)  # second run: cache hit
    _space("my_encoders:build", kwargs={"width": 7})  # other kwargs: encoded
    _space("my_encoders:build", kwargs={"width": 5}, seed=1)  # other seed: encoded
    assert user_module.CALLS == [5, 7, 5]
    fresh, _ = _space("my_encoders:build", kwargs={"width": 5}, cache=False)  # cache: false re-encodes
    assert user_module.CALLS == [5, 7, 5, 5] and torch.equal(fresh.latents, first.latents)


@pytest.mark.parametrize(
    "entry, spec, words",
    [
        ("my_encoders:not_a_module", {}, "returned int"),
        ("my_encoders:broken", {}, "RuntimeError: bad weights file"),
        ("my_encoders:missing", {}, "has no 'missing'"),
        ("no_such_module_xyz:build", {}, "cannot be found"),
        ("fails_on_import:build", {}, "ImportError: needs a GPU driver"),
        ("my_encoders:wrong_input", {}, "encoder failed on inputs of shape (1024, 1, 8, 8)"),
        ("my_encoders:three_dims", {}, "returned shape (1024, 2, 6, 6) for a batch of 1024"),
        ("my_encoders:one_row", {}, "returned shape (1, 4) for a batch of 1024"),
        ("my_encoders:nan_encoder", {"batch_size": 4096}, "2 NaN/inf latent values (first in sample 5)"),
        ("my_encoders:build", {"latent_dim": 5}, "latent_dim: is 5"),
        ("my_encoders:build", {"kwargs": {"depth": 2}}, "unexpected keyword"),
    ],
)
def test_user_errors_name_the_agent(user_module, entry, spec, words):
    with pytest.raises(SemcomInputError) as info:
        _space(entry, **spec)
    msg = str(info.value)
    assert msg.startswith("models.mine") and words in msg and "\n" not in msg, msg


@pytest.mark.parametrize(
    "spec, field",
    [
        ({"import": "my_encoders.build"}, "models.mine.import"),
        ({}, "models.mine.import"),
        ({"import": "my_encoders:build", "kwargs": [1]}, "models.mine.kwargs"),
        ({"import": "my_encoders:build", "batch_size": 0}, "models.mine.batch_size"),
        ({"import": "my_encoders:build", "cache": "no"}, "models.mine.cache"),
        ({"import": "my_encoders:build", "widht": 3}, "models.mine.widht"),
    ],
)
def test_settings_are_checked_before_anything_is_imported(spec, field):
    with pytest.raises(SemcomInputError, match=field.replace(".", r"\.")):
        check_spec("mine", {"kind": "torch", **spec})


def test_user_code_is_never_imported_without_the_opt_in(user_module, monkeypatch):
    monkeypatch.setenv(ALLOW_CODE_ENV, "0")
    with pytest.raises(SemcomInputError, match="asks to run code from module 'my_encoders'.*--allow-code"):
        _space("my_encoders:build", cache=False)
    assert user_module.CALLS == []


@pytest.mark.parametrize("entry", ["os:system", "subprocess:getoutput", "builtins:eval", "os.path:join"])
def test_standard_library_callables_are_refused_before_anything_is_imported(entry):
    with pytest.raises(SemcomInputError, match="standard library, not an encoder factory"):
        check_spec("mine", {"kind": "torch", "import": entry})
