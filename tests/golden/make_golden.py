"""Write tests/golden/results.json: prices, emissions and net imports of every scenario file and every
chapter builder's main scenarios, to compare a refactored model against (test_golden.py).

Run from the repository root: ``python tests/golden/make_golden.py``. Regenerate only when a
change of results is intended, and name the change in the commit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import model
from model import corsia, eu_ets, kyoto, national, paris

HERE = Path(__file__).resolve().parent


def cases() -> dict:
    """Name -> scenario (a path or a dict)."""
    out = {f"file:{p.stem}": p for p in sorted(Path(model.scenario_path()).glob("*.yaml"))}
    world = paris.world()
    out.update({
        "kyoto:annex_b": kyoto.annex_b(1, year=2010),
        "kyoto:annex_b_cdm_withheld": kyoto.annex_b(1, year=2010, surplus="withheld", cdm=True),
        "kyoto:no_trading": kyoto.annex_b(1, year=2010, trading=False),
        "paris:world": world,
        "paris:linked": paris.linked(world),
        "paris:conduct_linked": paris.linked(paris.conduct(world, 20.0)),
        "eu_ets:2023": eu_ets.build(rules="2023"),
        "eu_ets:no_msr": eu_ets.build(rules="2023", msr=False),
        "corsia:current": corsia.build_corsia(),
        "national:2021": national.build_2021(),
        "national:2030": national.build_2030(),
    })
    return out


def conduct_group(res, group: str) -> bool:
    """True when a market of the link group has a `conduct` obligation."""
    markets = res.scenario.markets
    return any(markets[n].obligation == "conduct" for n in group.split("+") if n in markets)


def snapshot(scenario) -> dict:
    res = model.solve(scenario)
    clean = lambda v: None if isinstance(v, float) and math.isnan(v) else float(v)  # noqa: E731
    return {
        "prices": {f"{r.market}|{r.period}": clean(r.price_usd_per_t) for r in res.prices.itertuples()},
        "emissions": {f"{r.jurisdiction}|{r.period}": clean(r.emissions_mt) for r in res.jurisdictions.itertuples()},
        # bilateral flows are not unique (three or more markets trading freely, or one programme
        # selling to linked buyers); each market's net imports are, wherever its price is positive
        # and no `conduct` obligation in its link group lets a shortfall split in any way
        "net_imports": {f"{r.market}|{r.period}": clean(r.net_imports_mt) for r in res.prices.itertuples()
                        if r.price_usd_per_t > 1e-6 and not conduct_group(res, r.link_group)},
    }


if __name__ == "__main__":
    data = {name: snapshot(sc) for name, sc in cases().items()}
    (HERE / "results.json").write_text(json.dumps(data, sort_keys=True, separators=(",", ":")))
    print(f"wrote {len(data)} cases")
