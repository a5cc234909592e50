"""GDAL's equivalent of `tuilerie ingest` through pyogrio: reproject a layer to EPSG:4326 and
write a spatially indexed FlatGeobuf (what `ogr2ogr -t_srs EPSG:4326 -f FlatGeobuf` does).

usage: gdal_convert.py INPUT.shp OUTPUT.fgb
"""
import sys
from pathlib import Path

import pyogrio.raw


def main():
    source, target = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    layer = source.stem
    vrt = target.with_suffix(".vrt")
    vrt.write_text(
        f"<OGRVRTDataSource><OGRVRTWarpedLayer><OGRVRTLayer name=\"{layer}\"><SrcDataSource>{source}</SrcDataSource>"
        f"<SrcLayer>{layer}</SrcLayer></OGRVRTLayer><TargetSRS>EPSG:4326</TargetSRS></OGRVRTWarpedLayer></OGRVRTDataSource>"
    )
    meta, _, geometry, field_data = pyogrio.raw.read(str(vrt))
    pyogrio.raw.write(str(target), geometry, field_data, meta["fields"], driver="FlatGeobuf", crs="EPSG:4326",
                      geometry_type="Unknown", encoding="UTF-8", layer_options={"SPATIAL_INDEX": "YES"})


if __name__ == "__main__":
    main()
