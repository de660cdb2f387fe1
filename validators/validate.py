"""Validate a file Testat wrote with a real consumer of its format.

Usage: python validate.py KIND FILE
KIND is one of: oscal-catalog.

Exits 0 when the consumer accepts the file, 1 (printing why) when it does not.
"""

import pathlib
import sys


def oscal_catalog(path: pathlib.Path) -> str:
    from trestle.oscal.catalog import Catalog

    catalog = Catalog.oscal_read(path)
    controls = sum(len(g.controls or []) for g in catalog.groups or [])
    return f"OSCAL catalog with {len(catalog.groups or [])} groups and {controls} controls"


KINDS = {
    "oscal-catalog": oscal_catalog,
}


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in KINDS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        summary = KINDS[sys.argv[1]](pathlib.Path(sys.argv[2]))
    except Exception as error:  # the consumer's own message is the point
        print(f"{sys.argv[2]}: rejected: {error}", file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
