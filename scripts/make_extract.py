#!/usr/bin/env python3
"""Writes the small synthetic extract in scenarios/data/: no real patient is in it.

Every row is drawn from the distributions stated below with a fixed seed, so running this
script again writes the same files byte for byte (Python 3.8 or later; standard library
only):

    python3 scripts/make_extract.py

referrals.csv: two years of referrals (2025-01-06, a Monday, to 2027-01-03), one row each,
columns referral_id, referred_at (YYYY-MM-DD HH:MM), source. Arrivals are a Poisson process
with a rate constant within each hour of the week:
  - gp:        8 a day, growing 10% a year; hours 08:00-18:00 only (GP surgery hours), weekdays
               1.2 x the weekend rate; the same hour profile every day.
  - ambulance: 3 a day, flat by day; an hour profile that differs between weekdays (peak
               10:00-14:00) and weekends (peak 18:00-23:00).

stays.csv: reablement stays starting over the first year, extract taken 2026-01-05 00:00;
columns stay_id, pathway, started_at, los_days, in_progress. Starts are Poisson, 2 a day,
pathway 1 with probability 0.8 and pathway 2 otherwise. Length of stay in days:
  - pathway 1: log-normal, mean 14 d, sd 8 d;
  - pathway 2: gamma, mean 28 d, sd 12 d.
A stay not finished by the extract date is still in progress: in_progress = 1 and los_days
is the time so far (right-censored).
"""

import math
import random
from datetime import datetime, timedelta
from pathlib import Path

SEED = 20251129
START = datetime(2025, 1, 6)  # a Monday
REFERRAL_DAYS = 728
STAY_DAYS = 364
EXTRACT = START + timedelta(days=STAY_DAYS)
OUT = Path(__file__).resolve().parent.parent / "scenarios" / "data"


def poisson(rng, mean):
    """A Poisson draw (Knuth's multiplication method; the means here are small)."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def normalised(weights):
    total = sum(weights)
    return [w / total for w in weights]


GP_HOURS = normalised([0] * 8 + [1.0, 1.4, 1.5, 1.3, 1.0, 1.1, 1.2, 1.1, 0.9, 0.7] + [0] * 6)
GP_DAYS = normalised([1.2] * 5 + [1.0] * 2)
AMB_WEEKDAY = normalised([1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 5, 4, 3, 3, 3, 2, 2, 2, 1, 1])
AMB_WEEKEND = normalised([2, 2, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 5, 6, 6, 6, 6, 6, 4])


def hourly_rate(source, day, hour_of_day):
    """Referrals per hour from `source` on day `day` of the window."""
    weekday = (START + timedelta(days=day)).weekday()
    if source == "gp":
        growth = 1.10 ** (day / 365.0)
        return 8.0 * 7 * GP_DAYS[weekday] * GP_HOURS[hour_of_day] * growth
    profile = AMB_WEEKDAY if weekday < 5 else AMB_WEEKEND
    return 3.0 * profile[hour_of_day]


def referrals(rng):
    rows = []
    for day in range(REFERRAL_DAYS):
        for hour in range(24):
            for source in ("gp", "ambulance"):
                for _ in range(poisson(rng, hourly_rate(source, day, hour))):
                    minute = rng.randrange(60)
                    at = START + timedelta(days=day, hours=hour, minutes=minute)
                    rows.append((at, source))
    rows.sort()
    lines = ["referral_id,referred_at,source"]
    for i, (at, source) in enumerate(rows, start=1):
        lines.append(f"R{i:05d},{at:%Y-%m-%d %H:%M},{source}")
    return lines


def stays(rng):
    ln_sigma = math.sqrt(math.log(1 + (8 / 14) ** 2))
    ln_mu = math.log(14) - ln_sigma**2 / 2
    shape = (28 / 12) ** 2
    scale = 28 / shape
    lines = ["stay_id,pathway,started_at,los_days,in_progress"]
    t, i = 0.0, 0
    while True:
        t += rng.expovariate(2.0)  # days between starts
        if t >= STAY_DAYS:
            break
        i += 1
        started = START + timedelta(days=t)
        pathway = 1 if rng.random() < 0.8 else 2
        los = rng.lognormvariate(ln_mu, ln_sigma) if pathway == 1 else rng.gammavariate(shape, scale)
        so_far = (EXTRACT - started).total_seconds() / 86400
        in_progress = los > so_far
        shown = so_far if in_progress else los
        lines.append(f"S{i:05d},{pathway},{started:%Y-%m-%d %H:%M},{shown:.2f},{int(in_progress)}")
    return lines


def main():
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, lines in (("referrals.csv", referrals(rng)), ("stays.csv", stays(rng))):
        (OUT / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {OUT / name}: {len(lines) - 1} rows")


if __name__ == "__main__":
    main()
