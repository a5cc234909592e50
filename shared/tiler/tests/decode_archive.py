"""Decodes every tile of a PMTiles archive with the PyPI `pmtiles` and `mapbox_vector_tile`
packages and prints one JSON document: header, metadata, tiles with raw tile coordinates."""
import gzip
import json
import sys

import mapbox_vector_tile
from pmtiles.reader import MmapSource, Reader, all_tiles


def area(ring):
    s = 0.0
    for i in range(len(ring)):
        x0, y0 = ring[i - 1]
        x1, y1 = ring[i]
        s += x0 * y1 - x1 * y0
    return s / 2.0


def polygons(geom):
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return geom["coordinates"]
    return []


def main(path):
    with open(path, "rb") as f:
        get = MmapSource(f)
        reader = Reader(get)
        header = reader.header()
        meta = reader.metadata()
        tiles = []
        for (z, x, y), data in all_tiles(get):
            raw = gzip.decompress(data)
            decoded = mapbox_vector_tile.decode(raw, default_options={"y_coord_down": True})
            layers = {}
            for name, layer in decoded.items():
                feats = []
                for feat in layer["features"]:
                    geom = feat["geometry"]
                    feats.append({
                        "id": feat.get("id"),
                        "properties": feat["properties"],
                        "type": geom["type"],
                        "coordinates": geom["coordinates"],
                        "ring_areas": [[area(r) for r in poly] for poly in polygons(geom)],
                    })
                layers[name] = {"extent": layer["extent"], "features": feats}
            tiles.append({"z": z, "x": x, "y": y, "bytes": len(data), "layers": layers})
    header = {k: (v.name if hasattr(v, "name") else v) for k, v in header.items()}
    json.dump({"header": header, "metadata": meta, "tiles": tiles}, sys.stdout)


main(sys.argv[1])
