// Natural Earth 1:110m countries (world-atlas 2.0.2, TopoJSON) -> the GeoJSON the dashboard's
// map draws. Rings crossing the antimeridian (Chukotka, Fiji) would draw a line across the
// whole map in Leaflet: their western longitudes are shifted by 360 so they continue past
// 180. Antarctica (a ring along the whole bottom edge) is left out. Coordinates are rounded
// to 0.01 degrees (about 1 km), plenty at this scale.
const fs = require("fs");
const topojson = require(process.argv[2]);
const world = JSON.parse(fs.readFileSync(process.argv[3]));
const countries = topojson.feature(world, world.objects.countries);
const wraps = (ring) => ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
const round = (c) => (Array.isArray(c[0]) ? c.map(round) : [Math.round(c[0] * 100) / 100, Math.round(c[1] * 100) / 100]);
const shift = (ring) => ring.map((p) => [p[0] < 0 ? p[0] + 360 : p[0], p[1]]);
countries.features = countries.features.filter((f) => f.properties.name !== "Antarctica");
for (const f of countries.features) {
  const g = f.geometry;
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  f.geometry = {
    type: "MultiPolygon",
    coordinates: round(polygons.map((poly) => (wraps(poly[0]) ? poly.map(shift) : poly))),
  };
  f.properties = { name: f.properties.name };
  delete f.id;
}
fs.writeFileSync(process.argv[4], JSON.stringify(countries));
