"""Validate a file Testat wrote with a real consumer of its format.

Usage: python validate.py KIND FILE
KIND is one of:

  oscal-catalog  OSCAL catalog, read by compliance-trestle (PyPI)
  scan-json      `testat scan --format json`, checked by jsonschema (PyPI) against
                 docs/schemas/scan-result.v1.json, plus its summary against its findings
  sarif          SARIF 2.1.0, checked by Microsoft's SARIF multitool (`validate`, from
                 the npm package @microsoft/sarif-multitool) and by jsonschema against
                 the SARIF 2.1.0 schema that package ships (sarif-2.1.0.json)
  junit          JUnit XML, parsed by Python's xml.etree and by junitparser (PyPI); the
                 totals attributes must match the test cases
  oscal-ar       OSCAL assessment results, read by compliance-trestle (oscal_assessment.py)
  oscal-poam     OSCAL plan of action and milestones, read by compliance-trestle
  html           a self-contained HTML report, loaded in headless Chromium through
                 playwright-core (html_check.py, check-html.mjs): no console errors, no
                 network requests
  assessment-json  `testat report --format json`, checked by jsonschema against
                 docs/schemas/assessment.v1.json (assessment_json.py)

Exit status: 0 when the consumer accepts the file, 1 (printing why) when it does not,
2 on wrong usage, 3 when the consumer is not installed (tests skip on 3 outside CI and
fail in CI).

Installing the consumers (what .ci/run does):

  python3 -m venv target/ci-venv
  target/ci-venv/bin/pip install -r validators/requirements.txt
  npm ci --prefix validators          # validators/node_modules, from package-lock.json

OSCAL documents are also read by compliance-trestle 3.x, from a second venv that the
tests find through TESTAT_VALIDATOR_PYTHON_TRESTLE3 (see testat-test-support):

  python3 -m venv target/ci-venv-trestle3
  target/ci-venv-trestle3/bin/pip install -r validators/requirements-trestle3.txt

The Python consumers come from the venv that runs this script. The SARIF multitool is
looked up in the node_modules directory named by TESTAT_VALIDATOR_NODE_MODULES, or else
in validators/node_modules beside this script.
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SCAN_SCHEMA = HERE.parent / "docs" / "schemas" / "scan-result.v1.json"


class Rejected(Exception):
    """The consumer rejected the file."""


class Missing(Exception):
    """The consumer is not installed."""


def oscal_catalog(path: pathlib.Path) -> str:
    from trestle.oscal.catalog import Catalog

    catalog = Catalog.oscal_read(path)
    controls = sum(len(g.controls or []) for g in catalog.groups or [])
    return f"OSCAL catalog with {len(catalog.groups or [])} groups and {controls} controls"


def scan_json(path: pathlib.Path) -> str:
    try:
        import jsonschema
    except ImportError as error:
        raise Missing(f"the Python package jsonschema is not installed: {error}")

    schema = json.loads(SCAN_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    document = json.loads(path.read_text(encoding="utf-8"))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors[:20]]
        more = f"\n  … and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise Rejected(f"{len(errors)} schema violations:\n" + "\n".join(lines) + more)

    # What the schema cannot say: the summary agrees with the findings.
    summary = document["summary"]
    findings = document["findings"]
    names = {"pass": "passed", "fail": "failed", "excepted": "excepted", "unknown": "unknown", "error": "errors"}
    counted = {name: 0 for name in names.values()}
    for finding in findings:
        counted[names[finding["outcome"]]] += 1
    problems = [
        f"summary.{name} is {summary[name]} but {count} findings have that outcome"
        for name, count in counted.items()
        if summary[name] != count
    ]
    if summary["findings"] != len(findings):
        problems.append(f"summary.findings is {summary['findings']} but there are {len(findings)}")
    if summary["failed_at_threshold"] + summary["failed_below_threshold"] != summary["failed"]:
        problems.append("failed_at_threshold + failed_below_threshold != failed")
    for name, items in [("files", document["inputs"]), ("rules", document["rules"]), ("problems", document["problems"])]:
        if summary[name] != len(items):
            problems.append(f"summary.{name} is {summary[name]} but the document lists {len(items)}")
    for i, finding in enumerate(findings):
        exception = finding["exception"]
        if exception is not None and exception >= len(document["exceptions"]):
            problems.append(f"findings[{i}].exception {exception} does not exist")
    if problems:
        raise Rejected("inconsistent scan result:\n  " + "\n  ".join(problems))
    return (
        f"Testat scan result v{document['schema_version']} with {len(findings)} findings "
        f"({summary['failed']} failed, {summary['excepted']} excepted), valid against {SCAN_SCHEMA.name}"
    )


def multitool_binary() -> pathlib.Path:
    node_modules = pathlib.Path(os.environ.get("TESTAT_VALIDATOR_NODE_MODULES") or HERE / "node_modules")
    platform = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform, sys.platform)
    name = "Sarif.Multitool.exe" if platform == "win32" else "Sarif.Multitool"
    binary = node_modules / "@microsoft" / f"sarif-multitool-{platform}" / name
    if not binary.is_file():
        raise Missing(
            f"the SARIF multitool is not installed ({binary} does not exist); "
            "run `npm ci --prefix validators` or set TESTAT_VALIDATOR_NODE_MODULES"
        )
    if not os.access(binary, os.X_OK):
        # npm may skip the package's postinstall `chmod u+x` (allow-scripts policies).
        binary.chmod(binary.stat().st_mode | 0o100)
    return binary


def sarif(path: pathlib.Path) -> str:
    binary = multitool_binary()
    # Fail early, and with Python's message, on what is not JSON at all.
    log = json.loads(path.read_text(encoding="utf-8"))

    # 1. The official SARIF 2.1.0 schema, as shipped in the multitool's npm package,
    #    with jsonschema. Needed besides the multitool: the multitool reports nothing at
    #    all, not even schema errors, for a run whose `results` come before its `tool`
    #    (seen with 5.7.0), and a validator that can go blind must not be the only one.
    schema_file = binary.parent / "sarif-2.1.0.json"
    if not schema_file.is_file():
        raise Missing(f"the SARIF schema {schema_file} is missing from the multitool package")
    try:
        import jsonschema
    except ImportError as error:
        raise Missing(f"the Python package jsonschema is not installed: {error}")
    schema = json.loads(schema_file.read_text(encoding="utf-8-sig"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors[:20]]
        raise Rejected(f"{len(errors)} violations of the SARIF 2.1.0 schema ({schema_file.name}):\n" + "\n".join(lines))

    # 2. The multitool's `validate`: the schema again plus the SARIF rules (SARIF1xxx
    #    errors, SARIF2xxx warnings and notes).
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "validation.sarif"
        run = subprocess.run(
            [str(binary), "validate", str(path.resolve()), "--output", str(out), "--level", "Error;Warning;Note",
             "--log", "ForceOverwrite"],
            capture_output=True, text=True, env=env, cwd=tmp, timeout=600,
        )
        if run.returncode != 0 or not out.is_file():
            raise Rejected(
                f"the SARIF multitool failed (exit {run.returncode}):\n{run.stdout}{run.stderr}"
            )
        report = json.loads(out.read_text(encoding="utf-8-sig"))
    findings = []  # (result, message template lookup) of the multitool's own log
    for run_ in report.get("runs", []):
        rules = run_.get("tool", {}).get("driver", {}).get("rules", []) or []
        for result in run_.get("results", []) or []:
            findings.append((result, rules))
    notifications = [
        n
        for run_ in report.get("runs", [])
        for inv in run_.get("invocations", []) or []
        for n in (inv.get("toolExecutionNotifications", []) or []) + (inv.get("toolConfigurationNotifications", []) or [])
        if n.get("level") == "error"
    ]

    def describe(result: dict, rules: list) -> str:
        message = result.get("message", {})
        text = message.get("text")
        if not text:
            # The multitool writes message IDs and arguments; its rules hold the templates.
            index = result.get("ruleIndex", -1)
            rule = rules[index] if 0 <= index < len(rules) else next(
                (r for r in rules if r.get("id") == result.get("ruleId")), {}
            )
            template = (rule.get("messageStrings", {}).get(message.get("id", ""), {}) or {}).get("text", "")
            text = template
            for i, arg in enumerate(message.get("arguments", []) or []):
                text = text.replace("{" + str(i) + "}", str(arg))
            text = text or " ".join(message.get("arguments", []) or [])
        return f"  {result.get('level', 'warning')} {result.get('ruleId', '?')}: {text}"

    errors = [(r, rules) for r, rules in findings if r.get("level", "warning") == "error"]
    if errors or notifications:
        # The console lines carry the place (line, column) in the file; fall back to ours.
        lines = ["  " + line for line in run.stdout.splitlines() if ": error " in line]
        lines = lines or [describe(r, rules) for r, rules in errors]
        lines += [f"  tool error: {n.get('message', {}).get('text')}" for n in notifications]
        raise Rejected("the SARIF multitool reports errors:\n" + "\n".join(lines))
    results = sum(len(r.get("results", []) or []) for r in log.get("runs", []))
    # Warnings in full; notes (advice such as "provide code snippets") counted by rule.
    others = "".join("\n" + describe(r, rules) for r, rules in findings if r.get("level", "warning") == "warning")
    notes = {}
    for r, _ in findings:
        if r.get("level", "warning") == "note":
            notes[r.get("ruleId", "?")] = notes.get(r.get("ruleId", "?"), 0) + 1
    if notes:
        others += "\n  notes: " + ", ".join(f"{rule} x{count}" for rule, count in sorted(notes.items()))
    return (
        f"SARIF {log.get('version')} with {results} results: valid against {schema_file.name}, "
        f"no errors from the SARIF multitool{others}"
    )


def junit(path: pathlib.Path) -> str:
    import xml.etree.ElementTree as ElementTree

    try:
        ElementTree.parse(path)
    except ElementTree.ParseError as error:
        raise Rejected(f"not well-formed XML: {error}")
    try:
        from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite
    except ImportError as error:
        raise Missing(f"the Python package junitparser is not installed: {error}")

    xml = JUnitXml.fromfile(str(path))
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    problems = []
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for case in suite:
            if not case.name or not case.classname:
                problems.append(f"suite {suite.name!r}: a test case without name or classname")
            counts["tests"] += 1
            for result in case.result:
                if isinstance(result, Failure):
                    counts["failures"] += 1
                elif isinstance(result, Error):
                    counts["errors"] += 1
                elif isinstance(result, Skipped):
                    counts["skipped"] += 1
        for key, value in counts.items():
            if getattr(suite, key) != value:
                problems.append(f"suite {suite.name!r}: {key}={getattr(suite, key)} but it has {value}")
            totals[key] += value
    if not isinstance(xml, TestSuite):
        for key, value in totals.items():
            if getattr(xml, key) != value:
                problems.append(f"testsuites: {key}={getattr(xml, key)} but the suites have {value}")
    if problems:
        raise Rejected("JUnit totals do not match the test cases:\n  " + "\n  ".join(problems))
    return (
        f"JUnit XML with {len(suites)} suites and {totals['tests']} test cases "
        f"({totals['failures']} failures, {totals['errors']} errors, {totals['skipped']} skipped)"
    )


def oscal_ar(path: pathlib.Path) -> str:
    from oscal_assessment import assessment_results

    return assessment_results(path)


def oscal_poam(path: pathlib.Path) -> str:
    from oscal_assessment import poam

    return poam(path)


def html(path: pathlib.Path) -> str:
    from html_check import check_html

    return check_html(path, Missing)


def assessment_json(path: pathlib.Path) -> str:
    from assessment_json import check_assessment_json

    return check_assessment_json(path)


KINDS = {
    "oscal-catalog": oscal_catalog,
    "scan-json": scan_json,
    "sarif": sarif,
    "junit": junit,
    "oscal-ar": oscal_ar,
    "oscal-poam": oscal_poam,
    "html": html,
    "assessment-json": assessment_json,
}


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in KINDS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        summary = KINDS[sys.argv[1]](pathlib.Path(sys.argv[2]))
    except (Missing, ImportError) as error:
        print(f"{sys.argv[1]} validator not installed: {error}", file=sys.stderr)
        return 3
    except Exception as error:  # the consumer's own message is the point
        print(f"{sys.argv[2]}: rejected: {error}", file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
