"""Checks every polygon of a PMTiles archive with GEOS (shapely `is_valid`), decoded by the PyPI
`pmtiles` and `mapbox_vector_tile` packages. Prints one JSON document: polygons checked,
invalid ones (with the reason, first few), tiles whose polygon features enclose no area, and
per zoom the total polygon area of each layer in tile units of that zoom (buffer excluded)."""
import gzip
import json
import sys
from collections import defaultdict

import mapbox_vector_tile
import shapely
from pmtiles.reader import MmapSource, Reader, all_tiles
from shapely.geometry import box, shape

EXTENT = 4096


def main(path):
    checked = 0
    invalid = []
    invalid_count = 0
    zero_area_tiles = []
    areas = defaultdict(lambda: defaultdict(float))
    inner = box(0, 0, EXTENT, EXTENT)
    with open(path, "rb") as f:
        get = MmapSource(f)
        Reader(get).header()
        for (z, x, y), data in all_tiles(get):
            decoded = mapbox_vector_tile.decode(
                gzip.decompress(data), default_options={"y_coord_down": True}
            )
            polygon_area = 0.0
            polygon_features = 0
            other_features = 0
            for name, layer in decoded.items():
                for feat in layer["features"]:
                    geom = feat["geometry"]
                    if geom["type"] not in ("Polygon", "MultiPolygon"):
                        other_features += 1
                        continue
                    polygon_features += 1
                    checked += 1
                    g = shape(geom)
                    if not g.is_valid:
                        invalid_count += 1
                        if len(invalid) < 10:
                            invalid.append({
                                "tile": f"{z}/{x}/{y}",
                                "layer": name,
                                "id": feat.get("id"),
                                "reason": shapely.is_valid_reason(g),
                            })
                        continue
                    polygon_area += g.area
                    areas[z][name] += g.intersection(inner).area
            if polygon_features and not other_features and polygon_area <= 0.0:
                zero_area_tiles.append(f"{z}/{x}/{y}")
    json.dump({
        "checked": checked,
        "invalid_count": invalid_count,
        "invalid": invalid,
        "zero_area_tiles": zero_area_tiles[:20],
        "zero_area_tile_count": len(zero_area_tiles),
        "areas": {str(z): dict(v) for z, v in areas.items()},
    }, sys.stdout)


main(sys.argv[1])
