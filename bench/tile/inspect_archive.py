"""Prints one JSON line about a PMTiles archive: tiles, bytes, largest tile, and the distinct
values of an attribute among the features of the maximum zoom (how many features are present
there). Reads the archive with the PyPI `pmtiles` package and scans MVT protobuf directly
(attributes only, geometry skipped) so that large archives are inspected quickly."""
import gzip
import json
import os
import sys

from pmtiles.reader import MmapSource, Reader, all_tiles


def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def fields(buf):
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, pos = varint(buf, pos)
        elif wire == 1:
            val, pos = buf[pos:pos + 8], pos + 8
        elif wire == 5:
            val, pos = buf[pos:pos + 4], pos + 4
        elif wire == 2:
            n, pos = varint(buf, pos)
            val, pos = buf[pos:pos + n], pos + n
        else:
            raise ValueError("wire type %d" % wire)
        yield num, wire, val


def value(buf):
    for num, wire, val in fields(buf):
        if num == 1:
            return bytes(val).decode()
        if num in (4, 5):
            return val
        if num == 6:
            return (val >> 1) ^ -(val & 1)
        return bytes(val)
    return None


def ids_in_tile(data, attr):
    out = []
    for num, _, layer in fields(data):
        if num != 3:
            continue
        keys, values, feats = [], [], []
        for n, _, v in fields(layer):
            if n == 3:
                keys.append(bytes(v).decode())
            elif n == 4:
                values.append(v)
            elif n == 2:
                feats.append(v)
        if attr not in keys:
            continue
        k = keys.index(attr)
        for feat in feats:
            for n, _, v in fields(feat):
                if n == 2:
                    tags, p = [], 0
                    while p < len(v):
                        t, p = varint(v, p)
                        tags.append(t)
                    for i in range(0, len(tags), 2):
                        if tags[i] == k:
                            out.append(value(values[tags[i + 1]]))
    return out


def main(path, attr):
    with open(path, "rb") as f:
        get = MmapSource(f)
        header = Reader(get).header()
        maxz = header["max_zoom"]
        tiles = 0
        largest = 0
        present = set()
        for (z, _x, _y), data in all_tiles(get):
            tiles += 1
            largest = max(largest, len(data))
            if z == maxz:
                present.update(ids_in_tile(gzip.decompress(data), attr))
    print(json.dumps({
        "tiles": tiles,
        "bytes": os.path.getsize(path),
        "max_tile_bytes": largest,
        "max_zoom": maxz,
        "features_at_max_zoom": len(present),
    }))


main(sys.argv[1], sys.argv[2])
