#!/usr/bin/env python3
"""Regenerates the rule fixtures that real Terraform writes.

Every folder `rules/<provider>/fixtures/generated/<case>/` with a `main.tf` is planned
with the `terraform` binary (its built-in `terraform_data` resource needs no provider
download), and `terraform show -json` on the plan is written to `plan.json` beside it.
A folder that has a file named `APPLY` is applied instead (locally: terraform_data only
stores its input), and the state's `terraform show -json` goes to `state.json`.

Then the output is adapted, and nothing else is changed:

- A `terraform_data` resource named `<type>__<name>` becomes a resource of `<type>`
  named `<name>` (`terraform_data.aws_s3_bucket__logs` -> `aws_s3_bucket.logs`), in
  types, names, addresses, references and `relevant_attributes`, with the provider of
  that type in `provider_name`.
- Its values are the members of its `input` object, beside `id`: `input` is moved up
  one level in `after`, `before`, `values`, `after_unknown` and the sensitivity
  masks, and `output` (a copy of `input`) and `triggers_replace` are left out.

Usage, from the repository root, with `terraform` on the PATH:

    python3 rules/terraform-fixtures.py            # every folder
    python3 rules/terraform-fixtures.py rules/aws/fixtures/generated/s3-links
"""

import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

PROVIDERS = {
    "aws": "registry.terraform.io/hashicorp/aws",
    "azurerm": "registry.terraform.io/hashicorp/azurerm",
    "google": "registry.terraform.io/hashicorp/google",
    "kubernetes": "registry.terraform.io/hashicorp/kubernetes",
    "tencentcloud": "registry.terraform.io/tencentcloudstack/tencentcloud",
}
ADDRESS = re.compile(r"terraform_data\.([a-z0-9_]+?)__([A-Za-z0-9_-]+)")
VALUE_KEYS = ("after", "before", "values", "after_unknown", "before_sensitive", "after_sensitive")


def flatten(values):
    """The values of a terraform_data resource as those of the renamed type."""
    if not isinstance(values, dict):
        return values
    out = {}
    if "id" in values:
        out["id"] = values["id"]
    inner = values.get("input")
    if isinstance(inner, dict):
        out.update(inner)
    return out


def adapt(node):
    if isinstance(node, list):
        return [adapt(item) for item in node]
    if isinstance(node, str):
        return ADDRESS.sub(r"\1.\2", node)
    if not isinstance(node, dict):
        return node
    renamed = node.get("type") == "terraform_data" and "__" in str(node.get("name", ""))
    out = {}
    for key, value in node.items():
        if renamed and key in VALUE_KEYS:
            value = flatten(value)
        if renamed and key == "change" and isinstance(value, dict):
            value = {k: flatten(v) if k in VALUE_KEYS else v for k, v in value.items()}
        out[key] = adapt(value)
    if renamed:
        kind, name = node["name"].split("__", 1)
        out["type"] = kind
        out["name"] = name
        provider = PROVIDERS.get(kind.split("_", 1)[0])
        if provider and "provider_name" in out:
            out["provider_name"] = provider
    attribute = out.get("attribute")
    if isinstance(attribute, list) and attribute[:1] == ["input"] and "resource" in out:
        out["attribute"] = attribute[1:] or ["id"]
    return out


# Folders that use a real provider (not only terraform_data) need it installed, or a
# mirror named by a CLI configuration file (TF_CLI_CONFIG_FILE); nothing else of the
# environment is passed on.
ENV = {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "PATH": shutil.os.environ["PATH"]}
ENV.update({k: v for k, v in shutil.os.environ.items() if k in ("TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR")})


def terraform(folder, *args):
    subprocess.run(
        ["terraform", *args],
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
        env=ENV,
    )


def show(folder, *args):
    out = subprocess.run(
        ["terraform", "show", "-json", *args], cwd=folder, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def write(path, document):
    path.write_text(json.dumps(adapt(document), indent=1, sort_keys=False) + "\n")


def generate(case):
    with tempfile.TemporaryDirectory() as scratch:
        work = pathlib.Path(scratch)
        for item in case.iterdir():
            if item.is_dir():
                shutil.copytree(item, work / item.name)
            elif item.suffix == ".tf":
                shutil.copy(item, work / item.name)
        terraform(work, "init", "-input=false", "-no-color")
        terraform(work, "plan", "-input=false", "-no-color", "-out", "p")
        if (case / "APPLY").exists():
            terraform(work, "apply", "-input=false", "-no-color", "-auto-approve", "p")
            write(case / "state.json", show(work))
        else:
            write(case / "plan.json", show(work, "p"))
    print(f"regenerated {case}")


def main(argv):
    root = pathlib.Path(__file__).resolve().parent
    cases = [pathlib.Path(a) for a in argv] or sorted(
        p.parent for p in root.glob("*/fixtures/generated/*/main.tf")
    )
    for case in cases:
        generate(case)


if __name__ == "__main__":
    main(sys.argv[1:])
