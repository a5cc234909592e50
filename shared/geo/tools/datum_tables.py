"""Regenerates the datum tables of the geodata engine from the EPSG dataset shipped in PROJ's
`proj.db` (the copy bundled with pyogrio): every geographic CRS with its ellipsoid and names,
and every Helmert transformation from one of them to WGS 84 with its area of use and accuracy.

usage: datum_tables.py [PROJ_DB] [OUT_DIR]
"""
import math
import sqlite3
import sys
from pathlib import Path

import pyogrio

ROTATION_TO_ARCSEC = {"9104": 1.0, "9109": 180 / math.pi * 3600 * 1e-6, "9113": 0.324}
METHODS = {"9603": "T", "1031": "T", "9606": "P", "1033": "P", "9607": "C", "1032": "C"}


def main():
    default_db = Path(pyogrio.__file__).parent / "proj_data" / "proj.db"
    db = sqlite3.connect(sys.argv[1] if len(sys.argv) > 1 else str(default_db))
    out = Path(sys.argv[2] if len(sys.argv) > 2 else Path(__file__).parent.parent / "src" / "datum")
    version = dict(db.execute("select key, value from metadata").fetchall()).get("EPSG.VERSION", "?")
    crs_rows = db.execute(
        """select c.code, c.name, d.code, d.name, e.semi_major_axis, e.inv_flattening, e.semi_minor_axis,
                  p.longitude, p.uom_code
           from geodetic_crs c
           join geodetic_datum d on d.auth_name = c.datum_auth_name and d.code = c.datum_code
           join ellipsoid e on e.auth_name = d.ellipsoid_auth_name and e.code = d.ellipsoid_code
           join prime_meridian p on p.auth_name = d.prime_meridian_auth_name and p.code = d.prime_meridian_code
           where c.auth_name = 'EPSG' and c.type = 'geographic 2D' and c.deprecated = 0
           order by cast(c.code as integer)"""
    ).fetchall()
    aliases = {}
    for table, code, alt in db.execute(
        "select table_name, code, alt_name from alias_name where auth_name = 'EPSG' and table_name in ('geodetic_datum', 'geodetic_crs')"
    ):
        aliases.setdefault((table, str(code)), []).append(alt)
    lines = [f"# geographic CRS of EPSG {version}: code, a, 1/f, prime meridian (degrees), names"]
    codes = set()
    for code, name, datum_code, datum_name, a, inv_f, b, pm, pm_uom in crs_rows:
        if inv_f is None:
            inv_f = 0.0 if b == a else a / (a - b)
        pm_degrees = pm * (0.9 if str(pm_uom) == "9105" else 1.0)
        names = [name, datum_name] + aliases.get(("geodetic_datum", str(datum_code)), []) + aliases.get(("geodetic_crs", str(code)), [])
        names = list(dict.fromkeys(n.replace("\t", " ").replace("|", " ") for n in names))
        lines.append(f"{code}\t{a!r}\t{inv_f!r}\t{pm_degrees!r}\t{'|'.join(names)}")
        codes.add(str(code))
    (out / "geographic.tsv").write_text("\n".join(lines) + "\n")

    def extent(op_code, table):
        boxes = db.execute(
            """select e.west_lon, e.south_lat, e.east_lon, e.north_lat, e.name from usage u
               join extent e on e.auth_name = u.extent_auth_name and e.code = u.extent_code
               where u.object_table_name = ? and u.object_auth_name = 'EPSG' and u.object_code = ?""",
            (table, str(op_code)),
        ).fetchall()
        return boxes[0] if boxes else None

    helmerts = {}
    for row in db.execute(
        """select code, name, method_code, source_crs_code, accuracy, tx, ty, tz, translation_uom_code,
                  rx, ry, rz, rotation_uom_code, scale_difference, scale_difference_uom_code
           from helmert_transformation_table
           where source_crs_auth_name = 'EPSG' and target_crs_auth_name = 'EPSG' and target_crs_code = '4326'
             and deprecated = 0 order by cast(code as integer)"""
    ):
        (code, name, method, source, accuracy, tx, ty, tz, t_uom, rx, ry, rz, r_uom, ds, s_uom) = row
        method, t_uom, r_uom, s_uom = str(method), str(t_uom), str(r_uom), str(s_uom)
        if method not in METHODS or t_uom != "9001" or str(source) not in codes:
            continue
        factor = ROTATION_TO_ARCSEC.get(r_uom, 1.0) if rx is not None else 1.0
        ppm = (ds or 0.0) * {"9202": 1.0, "9201": 1e6}.get(s_uom, 1.0)
        box = extent(code, "helmert_transformation")
        if box is None:
            continue
        west, south, east, north, area = box
        offshore = 1 if "offshore" in area.lower() else 0
        values = [tx, ty, tz, (rx or 0) * factor, (ry or 0) * factor, (rz or 0) * factor, ppm]
        helmerts.setdefault(str(source), []).append(
            (code, name.replace("\t", " "), METHODS[method], values, -1.0 if accuracy is None else accuracy, (west, south, east, north), offshore)
        )
    # Geographic CRS on another prime meridian reach WGS 84 through their Greenwich twin.
    for source, target in db.execute(
        """select source_crs_code, target_crs_code from other_transformation
           where method_code = '9601' and source_crs_auth_name = 'EPSG' and target_crs_auth_name = 'EPSG' and deprecated = 0"""
    ):
        if str(source) in codes and str(source) not in helmerts and str(target) in helmerts:
            helmerts[str(source)] = helmerts[str(target)]
    lines = [f"# Helmert transformations to WGS 84 of EPSG {version}: source, code, name, method (T translation, P position vector, C coordinate frame), tx ty tz (m) rx ry rz (arc-seconds) ds (ppm), accuracy (m, -1 unknown), west south east north, offshore"]
    for source in sorted(helmerts, key=int):
        for code, name, method, values, accuracy, box, offshore in helmerts[source]:
            numbers = " ".join(repr(float(v)) for v in values)
            bbox = " ".join(repr(float(v)) for v in box)
            lines.append(f"{source}\t{code}\t{name}\t{method}\t{numbers}\t{accuracy!r}\t{bbox}\t{offshore}")
    (out / "helmert.tsv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
