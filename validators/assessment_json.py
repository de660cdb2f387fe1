"""Kind `assessment-json`: an assessment or customer handout checked by jsonschema
against docs/schemas/assessment.v1.json, plus what a schema cannot say (the counts
agree with the criteria, each domain's counts with its criteria, the sample is no
larger than asked)."""

import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
SCHEMA = HERE.parent / "docs" / "schemas" / "assessment.v1.json"
KEYS = {"met": "met", "partly met": "partly_met", "not met": "not_met",
        "not assessed": "not_assessed", "not applicable": "not_applicable"}


def check_assessment_json(path: pathlib.Path) -> str:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    document = json.loads(path.read_text(encoding="utf-8"))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors[:20]]
        raise ValueError(f"{len(errors)} schema violations:\n" + "\n".join(lines))
    if document["schema"] == "testat-customer-handout/v1":
        duties = sum(len(d["items"]) for d in document["domains"])
        return f"customer handout with {duties} duties in {len(document['domains'])} domains"

    problems = []
    counted = {key: 0 for key in KEYS.values()}
    per_domain = {}
    for c in document["criteria"]:
        counted[KEYS[c["status"]]] += 1
        per_domain.setdefault(c["domain"], {key: 0 for key in KEYS.values()})[KEYS[c["status"]]] += 1
        if c["scoped_out"] is not None and c["status"] != "not applicable":
            problems.append(f"{c['id']} is scoped out but {c['status']}")
        if "out_of_level" in c and c["status"] != "not applicable":
            problems.append(f"{c['id']} is out of scope by level but {c['status']}")
    levels = document.get("levels")
    if levels is not None:
        listed = sorted(o["criterion"] for o in levels["out_of_level"])
        marked = sorted(c["id"] for c in document["criteria"] if "out_of_level" in c)
        if listed != marked:
            problems.append(f"criteria out of scope by level {listed} disagree with the criteria {marked}")
    if counted != document["counts"]:
        problems.append(f"counts {document['counts']} disagree with the criteria {counted}")
    for d in document["domains"]:
        expected = per_domain.get(d["code"], {key: 0 for key in KEYS.values()})
        if d["counts"] != expected:
            problems.append(f"domain {d['code']}: counts {d['counts']} but criteria say {expected}")
    scoped = {s["criterion"] for s in document["scope"]}
    marked = {c["id"] for c in document["criteria"] if c["scoped_out"] is not None}
    if scoped != marked:
        problems.append(f"scope lists {sorted(scoped)} but criteria mark {sorted(marked)}")
    period = document["period"]
    if period is not None and period["sample"] is not None:
        sample = period["sample"]
        if len(sample["runs"]) > sample["size"] or len(sample["evidence"]) > sample["size"]:
            problems.append("the sample holds more than its size")
    if problems:
        raise ValueError("inconsistent assessment:\n  " + "\n  ".join(problems))
    kind = document["kind"]
    return (
        f"Testat assessment (Type {kind['type']}) of {len(document['criteria'])} criteria, "
        f"valid against {SCHEMA.name}"
    )
