"""The one YAML reader: ``${VAR:-default}`` semantics pinned for every loader, alias bombs refused.

Every case runs through both loaders (anonymization rules and demo specs), so the two
can never drift apart again.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from dataops.anonymize.rules import load_rules, parse_rules
from dataops.config.problems import Problems
from dataops.config.yamlsource import MAX_VALUES, load, load_file, substitute
from dataops.demo.spec import load_spec, parse_text
from dataops.errors import ConfigError

Env = Mapping[str, str] | None


def rules_string(scalar: str, environ: Env) -> Any:
    """A string value as the rules loader reads it (the secret)."""
    return parse_rules(
        f"version: 1\nsecret: {scalar}\ntables: {{}}\n", "f.yaml", environ
    ).secret.decode()


def spec_string(scalar: str, environ: Env) -> Any:
    """A string value as the spec loader reads it (a constant)."""
    text = f"version: 1\ntables:\n  t:\n    rows: 1\n    columns:\n      a:\n        constant: {scalar}\n"
    return parse_text(text, "f.yaml", environ).tables["t"].columns["a"].generator.arg  # type: ignore[attr-defined]


def rules_typed(scalar: str, environ: Env) -> Any:
    text = (
        "version: 1\nsecret: long-enough-secret\ntables:\n  public.t:\n    columns:\n"
        f"      phone:\n        transform: mask\n        keep_last: {scalar}\n"
    )
    spec = parse_rules(text, "f.yaml", environ).tables[0].columns["phone"].spec
    assert spec is not None
    return spec.params["keep_last"]


def spec_typed(scalar: str, environ: Env) -> Any:
    return (
        parse_text(f"version: 1\ntables:\n  t:\n    rows: {scalar}\n", "f.yaml", environ)
        .tables["t"]
        .rows
    )


STRING_LOADERS = [pytest.param(rules_string, id="rules"), pytest.param(spec_string, id="spec")]
TYPED_LOADERS = [pytest.param(rules_typed, id="rules"), pytest.param(spec_typed, id="spec")]


@pytest.mark.parametrize("read", STRING_LOADERS)
@pytest.mark.parametrize(
    ("scalar", "environ", "expected"),
    [
        ('"long-x-${A}-y"', {"A": "value"}, "long-x-value-y"),
        ('"long-x-${A:-dflt}-y"', {}, "long-x-dflt-y"),  # unset: the default
        ('"long-x-${A:-dflt}-y"', {"A": ""}, "long-x-dflt-y"),  # empty: the default too (POSIX :-)
        ('"long-x-${A}-y"', {"A": ""}, "long-x--y"),  # set but empty, no default: empty
        ('"long-x-$${A}-y"', {"A": "value"}, "long-x-${A}-y"),  # $$ is a literal $
        ('"long-x-$$-y-cost"', {}, "long-x-$-y-cost"),
        ('"long-x-$y-${A}"', {"A": "1"}, "long-x-$y-1"),  # any other $ stays
        ("long-x-${A:-a b}-plain", {}, "long-x-a b-plain"),  # plain scalars too
    ],
)
def test_interpolation_semantics(
    read: Callable[[str, Env], Any], scalar: str, environ: dict[str, str], expected: str
) -> None:
    assert read(scalar, environ) == expected


@pytest.mark.parametrize("read", TYPED_LOADERS)
def test_plain_values_are_retyped_quoted_stay_text(read: Callable[[str, Env], Any]) -> None:
    assert read("${N:-7}", {}) == 7
    assert read("${N}", {"N": "3"}) == 3
    with pytest.raises(ConfigError) as info:
        read('"${N:-7}"', {})  # a quoted value is a string, not an integer
    assert [d for d in info.value.details if d.startswith(("f.yaml:8: ", "f.yaml:4: "))]


@pytest.mark.parametrize("read", STRING_LOADERS)
def test_an_unset_variable_is_a_problem_at_its_line(read: Callable[[str, Env], Any]) -> None:
    with pytest.raises(ConfigError) as info:
        read('"x-${UNSET_FOR_TEST}-y"', {})
    assert len(info.value.details) == 1
    assert "environment variable UNSET_FOR_TEST is not set" in info.value.details[0]
    assert info.value.details[0].startswith("f.yaml:")


@pytest.mark.parametrize("read", STRING_LOADERS)
def test_the_default_environment_is_the_process_environment(
    read: Callable[[str, Env], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YAMLSOURCE_TEST_VALUE", "from-the-env")
    assert read('"${YAMLSOURCE_TEST_VALUE}"', None) == "from-the-env"


def test_keys_are_never_interpolated() -> None:
    rules = parse_rules(
        "version: 1\nsecret: long-enough\ntables:\n  public.${T}: keep\n", "f", {"T": "x"}
    )
    assert rules.tables[0].pattern == "public.${T}"
    spec = parse_text("version: 1\ntables:\n  t${T}: {rows: 1}\n", "f", {"T": "x"})
    assert list(spec.tables) == ["t${T}"]


def test_merge_keys_and_line_map() -> None:
    doc = load("base: &b {x: 1, y: 2}\nover:\n  <<: *b\n  y: 3\n", "m.yaml", {})
    assert doc.data["over"] == {"x": 1, "y": 3}
    assert doc.where(("over", "y")) == "m.yaml:4: over.y"


def test_substitute_reports_missing_names() -> None:
    missing: list[str] = []
    assert substitute("${A}${B:-b}$$", {}, missing.append) == "b$"
    assert missing == ["A"]


def test_problems_are_ordered_by_line_unlocated_last() -> None:
    problems = Problems(["f:3: c: late"])
    problems.add("", "nowhere")
    problems.at("f", 1, "a", "early")
    problems.add("f:2: b", "middle")
    assert problems.ordered() == ["f:1: a: early", "f:2: b: middle", "f:3: c: late", "nowhere"]
    with pytest.raises(ConfigError) as info:
        problems.raise_if_any("bad file")
    assert info.value.details == problems.ordered() and info.value.exit_code == 2


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("name", "header", "loader"),
    [
        ("rules.yaml", "version: 1\nsecret: long-enough\ntables: {}\n", load_rules),
        ("spec.yaml", "version: 1\ntables:\n  t: {rows: 1}\n", load_spec),
    ],
)
def test_a_billion_laughs_file_fails_fast_in_bounded_memory(
    tmp_path: Path, name: str, header: str, loader: Callable[[Path], Any]
) -> None:
    path = tmp_path / name
    path.write_text(header + billion_laughs())  # 9**9 = 387 million values once expanded
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ConfigError) as info:
            loader(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 50 * 1024 * 1024
    assert info.value.exit_code == 2
    detail = info.value.details[0]
    assert detail.startswith(f"{path}:")
    assert f"more than {MAX_VALUES} values once aliases are expanded" in detail


@pytest.mark.parametrize(
    ("name", "text", "loader"),
    [
        ("rules.yaml", "version: 1\nsecret: long-enough\ntables: &t {x: *t}\n", load_rules),
        ("spec.yaml", "version: 1\ntables: &t\n  t: {rows: 1, columns: *t}\n", load_spec),
    ],
)
def test_recursive_aliases_are_refused(
    tmp_path: Path, name: str, text: str, loader: Callable[[Path], Any]
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        loader(path)
    assert "recursive alias" in info.value.details[0]


def test_aliases_within_the_limit_still_work() -> None:
    doc = load("a: &a [1, 2, 3]\nb: [*a, *a]\n", "ok.yaml", {})
    assert doc.data["b"] == [[1, 2, 3], [1, 2, 3]]


def test_the_api_a_new_config_file_uses(tmp_path: Path) -> None:
    path = tmp_path / "sidecar.yaml"
    path.write_text("jobs: 3\nhttp:\n  addr: ${ADDR_FOR_TEST}\n")
    doc = load_file(path, {}, what="config")
    assert doc.data == {"jobs": 3, "http": {"addr": None}}
    doc.add(("jobs",), "must be a mapping")
    doc.add(("http", "addr"), "reported once: the value already has a problem")
    with pytest.raises(ConfigError) as info:
        doc.raise_if_any(f"invalid config {path}")
    assert info.value.details == [
        f"{path}:1: jobs: must be a mapping",
        f"{path}:3: http.addr: environment variable ADDR_FOR_TEST is not set",
    ]
