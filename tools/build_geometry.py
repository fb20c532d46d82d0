"""Build dashboard/static/countries.geojson from Natural Earth's 1:50m countries in the world-atlas npm package.

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/build_geometry.py /tmp/package/countries-50m.json

TopoJSON arcs are decoded into GeoJSON polygons; Jersey and Guernsey are joined into one "Channel Islands"
feature (id CHI), the name sales data uses; coordinates are rounded to 0.01 degree (about 1 km), plenty for a
world map. Feature ids are ISO 3166-1 numeric codes, as in the source.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "dashboard" / "static" / "countries.geojson"
CHANNEL_ISLANDS = {"832", "831"}  # Jersey, Guernsey


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (delta-encoded and quantised in the file)."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * scale[0] + translate[0], 2), round(y * scale[1] + translate[1], 2)))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list) -> list[list[float]]:
    """A closed ring from arc indices; a negative index ~i is arc i reversed."""
    points: list = []
    for index in indices:
        part = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(part if not points else part[1:])
    return [list(p) for p in points]


def polygons(geometry: dict, arcs: list) -> list:
    """The geometry as a list of polygons (each a list of rings)."""
    parts = {"Polygon": [geometry.get("arcs")], "MultiPolygon": geometry.get("arcs")}.get(geometry["type"], [])
    shapes = [[ring(r, arcs) for r in polygon] for polygon in parts]
    return [[r for r in shape if len(r) >= 4] for shape in shapes if len(shape[0]) >= 4]  # rounding drops specks


def build(topology: dict) -> dict:
    """A GeoJSON FeatureCollection of the countries, the Channel Islands joined into one feature."""
    arcs = decode_arcs(topology)
    features, islands = [], []
    for geometry in topology["objects"]["countries"]["geometries"]:
        shapes = polygons(geometry, arcs)
        if not shapes:
            continue
        if geometry.get("id") in CHANNEL_ISLANDS:
            islands += shapes
            continue
        key = geometry.get("id", geometry["properties"]["name"])  # a few disputed areas have no ISO code
        features.append({"type": "Feature", "id": key, "properties": geometry["properties"],
                         "geometry": {"type": "MultiPolygon", "coordinates": shapes}})
    features.append({"type": "Feature", "id": "CHI", "properties": {"name": "Channel Islands"},
                     "geometry": {"type": "MultiPolygon", "coordinates": islands}})
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    OUT.write_text(json.dumps(build(json.loads(Path(sys.argv[1]).read_text())), separators=(",", ":")))
    print(f"Written {OUT} ({OUT.stat().st_size:,} bytes)")
