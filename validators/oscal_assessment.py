"""OSCAL assessment results and POA&M, read by compliance-trestle, plus the references
trestle's models do not check.

trestle (pydantic models generated from the OSCAL 1.1.x schemas) checks the structure,
required fields, value patterns and enumerations (e.g. a finding's target status is
`satisfied` or `not-satisfied`). On top of that we check what makes a document usable:

- every UUID is defined once;
- every UUID reference (related observations, risks and findings, parties of
  responsible parties, actors) names something defined in the document;
- every `#fragment` href (e.g. `import-ap`) names a back-matter resource;
- every responsible party's role is defined in the metadata;
- (assessment results) every finding targets a control of the reviewed controls.

Functions raise on rejection and return a one-line summary on success.
"""

import json
import pathlib

REFERENCE_KEYS = {
    "observation-uuid": "observation",
    "risk-uuid": "risk",
    "finding-uuid": "finding",
    "actor-uuid": "actor",
    "party-uuid": "party",
}


class Unresolved(Exception):
    """The document refers to something it does not hold."""


def _walk(node, path="$"):
    """Yields (path, dict) for every object in the JSON document."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


def _check_references(document: dict) -> None:
    problems = []
    defined = {}
    for path, obj in _walk(document):
        uuid = obj.get("uuid")
        if isinstance(uuid, str):
            if uuid in defined:
                problems.append(f"{path}: uuid {uuid} is also defined at {defined[uuid]}")
            defined.setdefault(uuid, path)
    resources = set()
    roles = set()
    for path, obj in _walk(document):
        if path.endswith(".back-matter") and isinstance(obj.get("resources"), list):
            resources.update(r.get("uuid") for r in obj["resources"])
        if path.endswith(".metadata") and isinstance(obj.get("roles"), list):
            roles.update(r.get("id") for r in obj["roles"])
    for path, obj in _walk(document):
        for key, what in REFERENCE_KEYS.items():
            value = obj.get(key)
            if isinstance(value, str) and value not in defined:
                problems.append(f"{path}.{key}: {what} {value} is not in the document")
        for uuid in obj.get("party-uuids", []) or []:
            if uuid not in defined:
                problems.append(f"{path}.party-uuids: party {uuid} is not in the document")
        if "party-uuids" in obj and obj.get("role-id") not in roles:
            problems.append(f"{path}.role-id: role {obj.get('role-id')!r} is not defined in the metadata")
        href = obj.get("href")
        if isinstance(href, str) and href.startswith("#") and href[1:] not in resources:
            problems.append(f"{path}.href: {href} names no back-matter resource")
    if problems:
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise Unresolved(f"{len(problems)} unresolved references:\n  " + "\n  ".join(problems[:20]) + more)


def _read(model, path: pathlib.Path):
    parsed = model.oscal_read(path)
    if parsed is None:
        raise FileNotFoundError(f"{path} does not exist")
    return parsed


def assessment_results(path: pathlib.Path) -> str:
    from trestle.oscal.assessment_results import AssessmentResults

    ar = _read(AssessmentResults, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    _check_references(document)

    findings = observations = risks = 0
    problems = []
    for i, result in enumerate(ar.results):
        selected = set()
        for selection in result.reviewed_controls.control_selections:
            for control in (getattr(selection, "include_controls", None) or []):
                selected.add(control.control_id)
            for control in selection.exclude_controls or []:
                selected.add(control.control_id)
            if getattr(selection, "include_all", None) is not None:
                selected = None
                break
        for finding in result.findings or []:
            if selected is not None and finding.target.target_id not in selected:
                problems.append(
                    f"results[{i}] finding {finding.uuid} targets {finding.target.target_id}, "
                    "which the reviewed controls neither include nor exclude"
                )
        findings += len(result.findings or [])
        observations += len(result.observations or [])
        risks += len(result.risks or [])
    if problems:
        raise Unresolved("\n  ".join(["findings outside the reviewed controls:"] + problems))
    return (
        f"OSCAL assessment results (trestle) with {len(ar.results)} result(s): {findings} findings, "
        f"{observations} observations, {risks} risks; all references resolve"
    )


def poam(path: pathlib.Path) -> str:
    from trestle.oscal.poam import PlanOfActionAndMilestones

    plan = _read(PlanOfActionAndMilestones, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    _check_references(document)
    return (
        f"OSCAL POA&M (trestle) with {len(plan.poam_items)} poam-items, "
        f"{len(plan.findings or [])} findings, {len(plan.observations or [])} observations, "
        f"{len(plan.risks or [])} risks; all references resolve"
    )
