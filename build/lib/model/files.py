"""Files installed with the package: the book's and the tests' scenario files.

The scenario files live in ``model/scenarios/`` and are installed as package data, so a
notebook downloaded from the book runs in any folder once the package is installed::

    import model
    sc = model.load_scenario(model.scenario_path("two_linear.yaml"))
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["scenario_path", "scenario_names"]

_FOLDER = Path(__file__).resolve().parent / "scenarios"


def scenario_path(name: str | None = None) -> Path:
    """The installed path of the scenario file ``name`` (``"two_linear"`` or ``"two_linear.yaml"``).

    Without a name, the folder that holds them all. Raises ``FileNotFoundError`` for a name that
    the package does not ship, listing the ones it does.
    """
    if name is None:
        return _FOLDER
    filename = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    path = _FOLDER / filename
    if not path.is_file():
        raise FileNotFoundError(f"no scenario file {filename!r} in the package; it has: {', '.join(scenario_names())}")
    return path


def scenario_names() -> list[str]:
    """The names of the scenario files the package ships, sorted."""
    return sorted(p.name for p in _FOLDER.glob("*.yaml"))
