#!/usr/bin/env python3
"""Board pack in a real browser (issue 10 item 5).

Builds a three-design comparison of the East London scenarios, opens its report.html in
headless Chromium (through playwright, with the system's chromium) and checks that:

- in print media at A4 text width, and on screen 390 px and 1280 px wide, no element's box
  extends past the page width (clipped text would still extract from a PDF, so the boxes
  are measured, not the text);
- every chart is announced as an image with a text alternative;
- the printed A4 PDF numbers its pages, and its text holds every key figure's mean from
  comparison.csv as the report writes it;
- no heading is the last thing on a printed page;
- the reports of a sweep and a warm-up study have no box past the page and label their
  charts.

Usage: .ci/browser_check.py CAREPATH_BINARY CHROMIUM_BINARY [OUTPUT_FOLDER]
(an OUTPUT_FOLDER of an earlier comparison is checked as it is, without running carepath).
Prints the A4 page count. Exits non-zero with the reasons on any failure.
"""

import csv
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

SCENARIOS = [
    "scenarios/east_london/baseline.toml",
    "scenarios/east_london/single_point_of_access.toml",
    "scenarios/east_london/seven_day_social_care.toml",
]

# A4 is 210 mm wide; the report's @page margins are 12 mm each side: 186 mm of text width.
A4_TEXT_WIDTH_PX = round(186 / 25.4 * 96)

# Every element's right edge against the page width, in page coordinates; a box one pixel
# over is rounding, more is a real overflow. Returns the worst offenders.
OVERFLOW = """
(limit) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const right = r.right + window.scrollX;
    if (right > limit + 1 || r.left + window.scrollX < -1) {
      const text = (el.textContent || '').trim().slice(0, 60);
      out.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''} ` +
               `[${Math.round(r.left)}..${Math.round(right)}] "${text}"`);
    }
  }
  return out.slice(0, 10);
}
"""

# The cells that show each key figure's mean, with the text they show.
MEANS = """
() => Array.from(document.querySelectorAll('td[data-metric]')).map(td => [
  td.dataset.metric, td.dataset.mean, td.querySelector('strong') ?
    td.querySelector('strong').textContent.trim() : td.textContent.trim()])
"""

# Headings' texts, to find any left alone at the foot of a printed page.
HEADINGS = "() => Array.from(document.querySelectorAll('h1, h2, h3')).map(h => h.textContent.trim())"

# Charts without a text alternative.
UNLABELLED = """
() => Array.from(document.querySelectorAll('svg')).filter(s =>
  !(s.getAttribute('role') === 'img' && (s.getAttribute('aria-label') || '').length > 20
    && s.querySelector('title'))).length
"""


def normalise(text):
    """Whitespace collapsed, so that a value broken across lines in the PDF text matches."""
    return re.sub(r"\s+", " ", text).strip()


def main():
    carepath, chromium = sys.argv[1], sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(tmp) / "cmp3"
        if len(sys.argv) <= 3:
            subprocess.run(
                [carepath, "compare", *SCENARIOS, "-r", "5", "-q", "-o", str(out)],
                check=True,
            )
        report = (out / "report.html").resolve()
        pdf = Path(tmp) / "report.pdf"
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            for media, width in [("print", A4_TEXT_WIDTH_PX), ("screen", 390), ("screen", 1280)]:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.emulate_media(media=media)
                page.goto(report.as_uri())
                limit = page.evaluate("document.documentElement.clientWidth")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > limit + 1:
                    failures.append(f"{media} {width}px: the page scrolls sideways ({scroll} > {limit} px)")
                for line in page.evaluate(OVERFLOW, limit):
                    failures.append(f"{media} {width}px: past the page edge: {line}")
                if media == "print":
                    means = page.evaluate(MEANS)
                    headings = page.evaluate(HEADINGS)
                    unlabelled = page.evaluate(UNLABELLED)
                    if unlabelled:
                        failures.append(f"{unlabelled} charts have no text alternative")
                    page.pdf(path=str(pdf), prefer_css_page_size=True)
                page.close()
            browser.close()

        pages = int(
            re.search(r"Pages:\s+(\d+)", subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout).group(1)
        )
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = normalise(text)
        if f"Page {pages} of {pages}" not in flat:
            failures.append(f"the PDF does not number its pages (no 'Page {pages} of {pages}')")

        # Every key figure of comparison.csv, as the report writes it, is in the PDF's text.
        shown = {(metric, float(mean)): shown for metric, mean, shown in means if mean}
        checked = 0
        with open(out / "comparison.csv", newline="") as f:
            for row in csv.DictReader(f):
                if not row["metric"].startswith("key.") or not row["mean"]:
                    continue
                key = (row["metric"], float(row["mean"]))
                if key not in shown:
                    failures.append(f"{row['scenario']} {row['metric']} = {row['mean']} is not in the report")
                    continue
                checked += 1
                if normalise(shown[key]) not in flat:
                    failures.append(
                        f"{row['scenario']} {row['metric']}: '{shown[key]}' is not in the printed PDF's text"
                    )
        if checked < 60:
            failures.append(f"only {checked} key-figure values checked")

        # No heading is the last line of a page (the page number aside).
        for number, page_text in enumerate(text.split("\f")[:pages], start=1):
            lines = [normalise(l) for l in page_text.splitlines() if l.strip()]
            lines = [l for l in lines if not re.fullmatch(r"Page \d+ of \d+", l)]
            if lines and lines[-1] in headings:
                failures.append(f"page {number} ends with the heading '{lines[-1]}'")

    # The studies' own reports (issue 14 item 5) follow the same print rules: no box past
    # the page, every chart labelled.
    if len(sys.argv) <= 3:
        with tempfile.TemporaryDirectory() as tmp:
            studies = {
                "sweep": [carepath, "sweep", "scenarios/east_london/baseline.toml", "--vary",
                          "resources.rehab_bed.count=24..32:4", "--minimise-cost",
                          "-r", "2", "-q", "-o", str(Path(tmp) / "sweep")],
                "warmup": [carepath, "warmup", "scenarios/east_london/baseline.toml",
                           "-r", "2", "-q", "-o", str(Path(tmp) / "warmup")],
            }
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
                )
                for name, command in studies.items():
                    subprocess.run(command, check=True)
                    study = (Path(tmp) / name / "report.html").resolve()
                    for media, width in [("print", A4_TEXT_WIDTH_PX), ("screen", 390), ("screen", 1280)]:
                        page = browser.new_page(viewport={"width": width, "height": 900})
                        page.emulate_media(media=media)
                        page.goto(study.as_uri())
                        limit = page.evaluate("document.documentElement.clientWidth")
                        for line in page.evaluate(OVERFLOW, limit):
                            failures.append(f"{name} {media} {width}px: past the page edge: {line}")
                        if page.evaluate(UNLABELLED):
                            failures.append(f"{name}: a chart has no text alternative")
                        page.close()
                browser.close()

    print(f"browser check: three-design comparison prints on {pages} A4 pages; "
          f"{checked} key-figure values found in the PDF text")
    if failures:
        print("browser check FAILED:")
        for failure in failures:
            print(f"  {failure}")
        sys.exit(1)
    print("browser check passed: no box past the page at A4 print, 390 px and 1280 px")


if __name__ == "__main__":
    main()
