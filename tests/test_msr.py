"""The market stability reserve: the rule on the reported bank, the fixed point, start and invalidation.

Expected values are closed forms (see the comments), computed from the raw numbers.
"""

import math

import pytest
from period_cases import ABS, col, one_market, row

import model

# --------------------------------------------------------------------------------------------
# the market stability reserve
# --------------------------------------------------------------------------------------------

MSR_PERIODS = [2020, 2021, 2022, 2023, 2024, 2025]  # one year each: Mt per period = Mt per year
MSR_CAPS = {2020: 100.0, 2021: 100.0, 2022: 100.0, 2023: 50.0, 2024: 50.0, 2025: 50.0}


def msr_rule(res, market, periods, msr, initial_bank):
    """Net intake (intake - release) and reserve per period, recomputed from the reported bank path.

    The rule of the spec: the bank (TNAC) at the end of the previous period (``initial_bank`` for
    the first) above ``upper`` sends ``intake_rate`` times it into the reserve (``rule: 2023``, the
    default of the SCHEMA: at most the excess over ``upper``); below ``lower`` the reserve releases
    ``min(release, reserve)``; reserve holdings above ``invalidate_above`` are cancelled.
    Returns (net intakes, reserves, number of periods where the 2023 limit bit).
    """
    reserve = msr.get("initial_reserve", 0.0)
    rule = msr.get("rule", 2023)
    previous = initial_bank
    net, reserves, limited = [], [], 0
    for t in periods:
        tnac = previous
        amount = 0.0
        if t >= msr.get("start", periods[0]):
            if tnac > msr["upper"]:
                amount = msr["intake_rate"] * tnac
                if rule == 2023 and tnac - msr["upper"] < amount:
                    amount, limited = tnac - msr["upper"], limited + 1
            elif tnac < msr["lower"]:
                amount = -min(msr["release"], reserve)
        reserve += amount
        if msr.get("invalidate_above") is not None:
            reserve = min(reserve, msr["invalidate_above"])
        net.append(amount)
        reserves.append(reserve)
        previous = float(row(res, market, t)["bank_mt"])
    return net, reserves, limited


BASE_MSR = {"upper": 50.0, "lower": 10.0, "intake_rate": 0.24, "release": 100.0, "initial_reserve": 0.0}
MSR_CASES = {
    # intake rate x TNAC (the rule of notes/format-v2.md) in two periods; reserve starts empty
    "rule2019": (dict(BASE_MSR, rule=2019), 0.0),
    # since the 2023 reform: never more than the excess over `upper` (bites in 2022: 59.6 - 50 < 0.24 * 59.6)
    "rule2023": (dict(BASE_MSR, rule=2023), 0.0),
    # no `rule`: the SCHEMA's default, 2023
    "default": (dict(BASE_MSR), 0.0),
    # intake, and at the end, when the bank runs below `lower`, a release of 20 from the reserve
    "release": ({"upper": 40.0, "lower": 20.0, "intake_rate": 0.24, "release": 20.0, "initial_reserve": 30.0,
                 "rule": 2019}, 30.0),
}


def msr_market(msr, bank0, caps=None):
    return one_market(MSR_PERIODS, 100.0, 1.0, caps or MSR_CAPS, banking=True, initial_bank=bank0, msr=msr)


@pytest.mark.parametrize("case", sorted(MSR_CASES))
def test_msr_intake_follows_the_rule_on_the_reported_bank(case):
    msr, bank0 = MSR_CASES[case]
    res = model.solve(msr_market(msr, bank0))
    net, reserves, limited = msr_rule(res, "M", MSR_PERIODS, msr, bank0)
    got = col(res, "M", "msr_intake_mt", MSR_PERIODS)
    assert got == pytest.approx(net, rel=1e-5, abs=1e-5)
    assert sum(x for x in net if x > 0) > 10.0  # the rule did bite (not a vacuous check)
    if msr.get("rule", 2023) == 2023:
        assert limited >= 1  # and the 2023 limit mattered somewhere
    if case == "release":
        assert min(net) == pytest.approx(-20.0)  # the bank ran below 20 Mt once
    assert col(res, "M", "msr_reserve_mt", MSR_PERIODS) == pytest.approx(reserves, rel=1e-5, abs=1e-5)
    banks = col(res, "M", "bank_mt", MSR_PERIODS)
    assert min(banks) >= -1e-6 and banks[-1] == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("case", sorted(MSR_CASES))
def test_msr_equals_plain_banking_with_caps_net_of_intake(case):
    msr, bank0 = MSR_CASES[case]
    res = model.solve(msr_market(msr, bank0))
    reported = col(res, "M", "msr_intake_mt", MSR_PERIODS)
    # one-year periods: the cap of each year falls by that year's net intake
    adjusted = {t: MSR_CAPS[t] - reported[k] for k, t in enumerate(MSR_PERIODS)}
    plain = model.solve(one_market(MSR_PERIODS, 100.0, 1.0, adjusted, banking=True, initial_bank=bank0))
    for t in MSR_PERIODS:
        assert res.price("M", t) == pytest.approx(plain.price("M", t), rel=1e-5)
        assert row(res, "M", t)["bank_mt"] == pytest.approx(float(row(plain, "M", t)["bank_mt"]), rel=1e-5, abs=1e-5)
        assert row(res, "M", t)["emissions_mt"] == pytest.approx(float(row(plain, "M", t)["emissions_mt"]), rel=1e-5)
    # r = 0 and the bank positive until the end: one flat price = total requirement / 6 years,
    # and the MSR (net intake > 0) raised it above 150 / 6 = 25
    prices = [res.price("M", t) for t in MSR_PERIODS]
    required = sum(100.0 - adjusted[t] for t in MSR_PERIODS) - bank0
    for p in prices:
        assert p == pytest.approx(required / 6, rel=1e-5)
    assert prices[0] > (150.0 - bank0) / 6 + 1.0


def test_msr_default_rule_is_2023():
    default = model.solve(msr_market(MSR_CASES["default"][0], 0.0))
    explicit = model.solve(msr_market(MSR_CASES["rule2023"][0], 0.0))
    assert col(default, "M", "msr_intake_mt", MSR_PERIODS) == pytest.approx(
        col(explicit, "M", "msr_intake_mt", MSR_PERIODS), rel=1e-6, abs=1e-6)


def test_msr_invalidation_caps_the_reserve():
    msr = dict(MSR_CASES["rule2019"][0], invalidate_above=20.0)
    res = model.solve(msr_market(msr, 0.0))
    net, reserves, _ = msr_rule(res, "M", MSR_PERIODS, msr, 0.0)
    assert col(res, "M", "msr_intake_mt", MSR_PERIODS) == pytest.approx(net, rel=1e-5, abs=1e-5)
    got = col(res, "M", "msr_reserve_mt", MSR_PERIODS)
    assert max(got) == pytest.approx(20.0, rel=1e-6)
    assert got == pytest.approx(reserves, rel=1e-5, abs=1e-5)


def test_msr_does_nothing_before_start():
    msr = dict(MSR_CASES["rule2019"][0], start=2023)
    res = model.solve(msr_market(msr, 0.0))
    net, _, _ = msr_rule(res, "M", MSR_PERIODS, msr, 0.0)
    got = col(res, "M", "msr_intake_mt", MSR_PERIODS)
    assert got[:3] == pytest.approx([0.0] * 3, abs=ABS)
    assert got == pytest.approx(net, rel=1e-5, abs=1e-5)
    assert got[3] > 1.0  # the bank built up before 2023 is taken in from 2023


def test_msr_start_before_the_first_period():
    # The spec's example has `start: 2019`; with periods from 2020 the reserve is active throughout,
    # as with the default start (the first period).
    msr = dict(MSR_CASES["rule2019"][0], start=2019)
    res = model.solve(msr_market(msr, 0.0))
    ref = model.solve(msr_market(MSR_CASES["rule2019"][0], 0.0))
    assert col(res, "M", "msr_intake_mt", MSR_PERIODS) == pytest.approx(
        col(ref, "M", "msr_intake_mt", MSR_PERIODS), rel=1e-6, abs=1e-6)


def test_msr_takes_in_a_surplus():
    # The MSR's purpose: caps of 150 above a BAU of 100, price 0, 50 Mt a year unused and banked.
    # TNAC after 2020: 50 (< upper 60, no intake); after 2021: 100 -> intake 0.24 * 100 = 24 in 2022,
    # bank 100 + 50 - 24 = 126 -> intake 30.24 in 2023, bank 126 + 50 - 30.24 = 145.76.
    periods = [2020, 2021, 2022, 2023]
    msr = {"upper": 60.0, "lower": 10.0, "intake_rate": 0.24, "release": 100.0, "rule": 2019}
    res = model.solve(one_market(periods, 100.0, 1.0, 150.0, banking=True, msr=msr))
    assert col(res, "M", "price_usd_per_t", periods) == pytest.approx([0.0] * 4, abs=ABS)
    assert col(res, "M", "bank_mt", periods) == pytest.approx([50.0, 100.0, 126.0, 145.76], rel=1e-5)
    assert col(res, "M", "msr_intake_mt", periods) == pytest.approx([0.0, 0.0, 24.0, 30.24], rel=1e-5, abs=1e-5)
    assert col(res, "M", "msr_reserve_mt", periods) == pytest.approx([0.0, 0.0, 24.0, 54.24], rel=1e-5, abs=1e-5)


def test_market_before_its_start_has_no_price_and_the_rest_is_unchanged():
    # MB covers nothing and issues nothing in 2025: it does not exist yet. Its price is empty, and
    # from 2030 each unlinked, non-banking market clears alone: p = slope * (covered BAU - cap).
    lin = {"type": "linear", "slope": 1.0}
    raw = {"name": "start", "periods": [2025, 2030, 2035], "discount_rate": 0.05,
           "jurisdictions": {"A": {"bau": 100, "mac": lin}, "B": {"bau": 100, "mac": lin}},
           "markets": {"MA": {"members": ["A"], "cap": {2025: 90, 2030: 80, 2035: 70}},
                       "MB": {"members": ["B"], "coverage": {2025: 0, 2030: 0.5, 2035: 0.5},
                              "cap": {2025: 0, 2030: 40, 2035: 30}}}}
    res = model.solve(raw)
    assert math.isnan(res.price("MB", 2025))
    # a segment covering half of B has the curve MAC(q / 0.5) = 2q
    assert res.price("MB", 2030) == pytest.approx(2.0 * (50 - 40), rel=1e-6)
    assert res.price("MB", 2035) == pytest.approx(2.0 * (50 - 30), rel=1e-6)
    for t, cap in ((2025, 90), (2030, 80), (2035, 70)):
        assert res.price("MA", t) == pytest.approx(100 - cap, rel=1e-6)
    # with banking the market still has no price before it starts; afterwards Hotelling holds
    raw["markets"]["MB"]["banking"] = True
    res = model.solve(raw)
    assert math.isnan(res.price("MB", 2025))
    assert res.price("MB", 2035) == pytest.approx(res.price("MB", 2030) * 1.05 ** 5, rel=1e-6)


def test_msr_counts_the_bank_of_the_whole_link_group():
    # A (with an MSR) and B are linked and both bank: where the bank sits is arbitrary, so the
    # MSR counts the group's bank. Check the fixed point by hand: each intake follows the 2023
    # rule on the group's bank of the period before, min(0.5 * bank, bank - 20); with the intakes
    # taken out of A's caps, Hotelling prices p0 * 1.05^i and abatement p_t in each of the two
    # jurisdictions (slope 1) use up exactly the allowances: 2 p0 (1 + 1.05 + 1.05^2 + 1.05^3)
    # = 800 - (caps - intakes), the bank being empty at the end.
    lin = {"type": "linear", "slope": 1.0}
    years = [2020, 2021, 2022, 2023]
    caps_a = {2020: 150, 2021: 80, 2022: 60, 2023: 50}
    caps_b = {2020: 100, 2021: 90, 2022: 80, 2023: 70}
    sc = {"periods": years, "discount_rate": 0.05,
          "jurisdictions": {"X": {"bau": 100, "mac": lin}, "Y": {"bau": 100, "mac": lin}},
          "markets": {"A": {"members": ["X"], "cap": caps_a, "banking": True,
                            "msr": {"upper": 20, "lower": 0, "intake_rate": 0.5, "release": 0, "start": 2021}},
                      "B": {"members": ["Y"], "cap": caps_b, "banking": True}},
          "links": [["A", "B"]]}
    res = model.solve(sc)
    p = res.prices.set_index(["market", "period"])
    group_bank = {t: p.loc[("A", t), "bank_mt"] + p.loc[("B", t), "bank_mt"] for t in years}
    assert group_bank[2020] > 20.0  # the rule is active, and most of the bank could sit anywhere
    for before, t in zip(years[:-1], years[1:], strict=True):
        want = min(0.5 * group_bank[before], group_bank[before] - 20.0)
        assert p.loc[("A", t), "msr_intake_mt"] == pytest.approx(want, rel=1e-6)
    intakes = sum(p.loc[("A", t), "msr_intake_mt"] for t in years)
    allowances = sum(caps_a.values()) + sum(caps_b.values()) - intakes
    p0 = (800 - allowances) / (2 * sum(1.05 ** i for i in range(4)))
    for i, t in enumerate(years):
        assert res.price("A", t) == pytest.approx(p0 * 1.05 ** i, rel=1e-6)
        assert res.price("B", t) == pytest.approx(p0 * 1.05 ** i, rel=1e-6)
