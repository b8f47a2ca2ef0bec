"""The scenario files are installed with the package and found by model.scenario_path."""

import tomllib
from pathlib import Path

import pytest

import model

ROOT = Path(__file__).resolve().parents[1]


def test_scenario_path_finds_every_file():
    names = model.scenario_names()
    assert "two_linear.yaml" in names and "instruments.yaml" in names
    for name in names:
        path = model.scenario_path(name)
        assert path.is_file() and path.parent == Path(model.__file__).resolve().parent / "scenarios"
        assert model.scenario_path(name.removesuffix(".yaml")) == path
        model.load_scenario(path)


def test_unknown_scenario_names_the_known_ones():
    with pytest.raises(FileNotFoundError, match="two_linear.yaml"):
        model.scenario_path("no_such_scenario")


def test_scenarios_are_package_data_and_the_top_level_folder_is_a_link():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "scenarios/*.yaml" in config["tool"]["setuptools"]["package-data"]["model"]
    top = ROOT / "scenarios"
    assert top.is_symlink() and top.resolve() == (ROOT / "model" / "scenarios").resolve()


def test_chapters_take_scenarios_from_the_package():
    for page in sorted((ROOT / "book").rglob("*.md")):
        if "_build" in page.parts:
            continue
        text = page.read_text()
        assert "../../scenarios" not in text, page
        assert '(p / "scenarios").is_dir()' not in text, page


def test_the_data_package_is_package_data_and_the_top_level_folder_is_a_link():
    from model import data

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["model"]
    assert {"data_package/*.csv", "data_package/datapackage.json"} <= set(patterns)
    assert data.data_dir() == Path(model.__file__).resolve().parent / "data_package"
    top = ROOT / "data"
    assert top.is_symlink() and top.resolve() == data.data_dir().resolve()
    for name in data.tables():
        assert (data.data_dir() / f"{name}.csv").is_file()
