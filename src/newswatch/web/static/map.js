// The Map page: Leaflet over a shipped world outline (no tiles, no CDN), the places of
// recent alerts as clustered markers (a click opens the story), and each near: rule's
// radius. Text from articles only ever reaches the page as text, never as HTML.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") {
    return;
  }
  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 12 }).setView([30, 25], 2);
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }
  fetch("/static/map/world-110m.geojson")
    .then(function (r) { return r.json(); })
    .then(function (world) {
      L.geoJSON(world, {
        interactive: false,
        style: { color: "#8a94a6", weight: 1, fillColor: "#e9edf3", fillOpacity: 1 },
      }).addTo(map).bringToBack();
    });
  fetch("/api/map?since=" + encodeURIComponent(el.dataset.since || "7d"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
      data.markers.forEach(function (m) {
        var marker = L.marker([m.lat, m.lon], { title: m.place + ": " + m.title });
        marker.storyId = m.story;
        marker.on("click", function () { window.location.assign("/stories/" + m.story); });
        cluster.addLayer(marker);
      });
      map.addLayer(cluster);
      data.circles.forEach(function (c) {
        L.circle([c.lat, c.lon], { radius: c.km * 1000, color: "#b5472a", weight: 2, fillOpacity: 0.05 })
          .bindTooltip(text(c.rule + ": " + c.km + " km around " + c.centre))
          .addTo(map);
      });
      el.dataset.markers = String(data.markers.length);
      el.dataset.circles = String(data.circles.length);
      el.classList.add("loaded");
    });
})();
