"""Property: whatever a scenario file holds (any type, magnitude, nesting, unicode, YAML
alias at any place), `semcom validate` answers 0, or 2 with one line per problem, and
never more than :data:`~tests.integration.bounds.SECONDS` and
:data:`~tests.integration.bounds.MEMORY`."""

from __future__ import annotations

import copy
import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .bounds import assert_within_bounds, bounded_call, run_cli
from .test_hostile_inputs import _imported, alias_bomb  # noqa: F401 - the registries imported before any bound
from .test_malformed_inputs import BASE


#: Every place a value can be put: each key path of the base scenario, and a new key under each mapping.
def _paths(d: dict, at: tuple = ()) -> list[tuple]:
    out = []
    for key, value in d.items():
        out.append((*at, key))
        if isinstance(value, dict):
            out += _paths(value, (*at, key))
            out.append((*at, key, "extra"))
    return out


PATHS = _paths(BASE) + [("description",), ("semantic_equalizers",), ("schemes",), ("chunk_size",)]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.sampled_from([0, -1, 1, 2**63, 2**63 - 1, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.inf, -math.inf, math.nan, 1e308, 5e-324]),
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF), max_size=10),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def _mutation(draw) -> str:
    """The base scenario as YAML with one value replaced: a random value, a deep nest, or an alias bomb."""
    path = draw(st.sampled_from(PATHS))
    kind = draw(st.sampled_from(["value", "value", "value", "deep", "bomb"]))
    scenario = copy.deepcopy(BASE)
    node = scenario
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = draw(_values) if kind == "value" else "<SPLICE>"
    text = yaml.safe_dump(scenario, default_flow_style=True, width=10**9, allow_unicode=True)
    if kind == "deep":
        depth = draw(st.integers(20, 20_000))
        splice = "[" * depth + "0" + "]" * depth
    else:
        splice = alias_bomb(draw(st.integers(2, 12)), draw(st.integers(2, 12)))
    return text.replace("'<SPLICE>'", splice).replace("<SPLICE>", splice)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=_mutation())
def test_validate_answers_every_mutation_in_one_line_within_bounds(tmp_path, text):
    path = tmp_path / "mutated.yaml"
    path.write_text(text, encoding="utf-8")
    rc, out, err = run_cli("validate", str(path), "--no-data")
    assert "Traceback" not in err
    if rc == 0:
        assert "ok" in out, out
        return
    assert rc == 2, err
    lines = [line for line in err.splitlines() if not line.startswith("semcom: warning: ")]
    assert lines and all(line.startswith("semcom: error: ") and "; " in line for line in lines), err


@pytest.fixture(scope="module")
def _base_data():
    """The base scenario's data, loaded once here: each bounded child inherits it and
    measures what the agent settings cost, not the dataset's loading."""
    from semcom.simulator.kinds import parse_study
    from semcom.simulator.run.context import study_data

    study_data(parse_study(copy.deepcopy(BASE)))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    model=st.sampled_from(["tx", "rx"]),
    setting=st.sampled_from(
        ["width", "depth", "latent_dim", "epochs", "batch_size", "channels", "kind", "lr"]
    ),
    value=st.one_of(
        st.integers(-10, 10**15),
        st.floats(-1e12, 1e12),
        st.text(max_size=5),
        st.none(),
        st.sampled_from(["mlp", "cnn", "pca"]),
    ),
)
def test_the_work_estimate_of_any_parsed_scenario_answers_or_refuses_in_one_line(
    _base_data, model, setting, value
):
    """A run estimates its work from the data before the study's checks run: whatever an
    agent's settings say, the estimate returns or refuses in one line, never raises
    anything else (an encoder that cannot be built is the checks' to report)."""
    from semcom.core.errors import SemcomInputError
    from semcom.simulator.kinds import kind_of, parse_study

    scenario = copy.deepcopy(BASE)
    scenario["models"][model][setting] = value
    try:
        sc = parse_study(scenario)
    except SemcomInputError:
        return

    def estimate() -> str | None:
        try:
            kind_of(sc).check_work(sc, check_data=True)
        except SemcomInputError as exc:
            return str(exc)
        return None

    refusal, cost = bounded_call(estimate)
    assert_within_bounds(cost, (model, setting, value))
    assert refusal is None or ("\n" not in refusal and "; " in refusal), refusal
