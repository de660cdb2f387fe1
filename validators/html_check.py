"""The `html` kind of validate.py: a self-contained HTML report in headless Chromium.

check-html.mjs loads the page through playwright-core and rejects console errors and
warnings, page errors and any network request; it writes what the browser saw as JSON.
This side asserts on that: a title, one visible top heading that the visible text
holds, no broken in-page links or duplicate IDs, every chart named for screen readers,
and, for Testat's own pages, as many criteria (or duties) as the page declares, each
criterion with its status in words.

Node is `node` on PATH or $TESTAT_NODE; Chromium is /usr/bin/chromium or
$TESTAT_CHROMIUM; playwright-core is looked up in $TESTAT_VALIDATOR_NODE_MODULES or
else in validators/node_modules.
"""

import json
import os
import pathlib
import shutil
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
SCRIPT = HERE / "check-html.mjs"
MIN_TEXT = 200  # a report with less visible text than this did not render


class HtmlRejected(Exception):
    """The browser, or what it saw, rejects the page."""


def _node_modules() -> pathlib.Path:
    return pathlib.Path(os.environ.get("TESTAT_VALIDATOR_NODE_MODULES") or HERE / "node_modules")


def check_html(path, Missing) -> str:
    path = pathlib.Path(path).resolve()
    node = os.environ.get("TESTAT_NODE") or shutil.which("node")
    if not node:
        raise Missing("node is not installed (not on PATH; set TESTAT_NODE)")
    if not (_node_modules() / "playwright-core" / "package.json").is_file():
        raise Missing(
            f"playwright-core is not installed in {_node_modules()}; "
            "run `npm ci --prefix validators` or set TESTAT_VALIDATOR_NODE_MODULES"
        )
    chromium = os.environ.get("TESTAT_CHROMIUM") or "/usr/bin/chromium"
    if not pathlib.Path(chromium).is_file():
        raise Missing(f"Chromium is not installed ({chromium} does not exist; apt-get install chromium)")

    env = dict(os.environ, TESTAT_VALIDATOR_NODE_MODULES=str(_node_modules()))
    with tempfile.TemporaryDirectory() as tmp:
        seen_file = pathlib.Path(tmp) / "seen.json"
        run = subprocess.run(
            [node, str(SCRIPT), str(path), "--json", str(seen_file)],
            capture_output=True, text=True, env=env, timeout=180,
        )
        if run.returncode == 3:
            raise Missing(run.stderr.strip())
        if run.returncode != 0:
            raise HtmlRejected(f"check-html.mjs exit {run.returncode}:\n{run.stderr.strip()}{run.stdout.strip()}")
        seen = json.loads(seen_file.read_text(encoding="utf-8"))

    problems = []
    text = seen["text"]
    if not seen["title"].strip():
        problems.append("the page has no <title>")
    if len(seen["h1"]) != 1:
        problems.append(f"expected one <h1>, found {len(seen['h1'])}")
    for h in seen["h1"]:
        if not h["text"]:
            problems.append("the <h1> is empty")
        elif not h["visible"] or h["text"] not in text:
            problems.append(f"the heading {h['text']!r} is not in the visible text")
    if len(text.strip()) < MIN_TEXT:
        problems.append(f"only {len(text.strip())} characters of visible text")
    if seen["brokenAnchors"]:
        problems.append(f"in-page links to missing IDs: {', '.join(seen['brokenAnchors'][:10])}")
    if seen["duplicateIds"]:
        problems.append(f"duplicate IDs: {', '.join(seen['duplicateIds'][:10])}")
    if seen["unnamedCharts"]:
        problems.append(
            "SVGs without role=img and an accessible name: " + ", ".join(seen["unnamedCharts"][:5])
        )
    if seen["report"] == "assessment":
        if seen["declaredCriteria"] != seen["criteria"]:
            problems.append(
                f"the page declares {seen['declaredCriteria']} criteria but shows {seen['criteria']}"
            )
        if seen["criteriaWithoutStatusText"]:
            problems.append(
                "criteria without a status in words: " + ", ".join(seen["criteriaWithoutStatusText"][:10])
            )
        if not any(h.startswith("Criteria") for h in seen["h2"]):
            problems.append("the page has no Criteria section")
        if seen["svgs"] == 0:
            problems.append("the report has no chart")
    if seen["report"] == "handout" and seen["declaredDuties"] != seen["duties"]:
        problems.append(f"the page declares {seen['declaredDuties']} duties but shows {seen['duties']}")
    if problems:
        raise HtmlRejected("what Chromium showed is wrong:\n  " + "\n  ".join(problems))
    return run.stdout.strip()
