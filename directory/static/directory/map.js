/* The directory map: offline borders, server-side clusters, list beside it (htmx).
   Loaded as a static file (the CSP forbids inline scripts). */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var form = document.getElementById("map-filters");
  var map = L.map(el, { preferCanvas: true, worldCopyJump: false, minZoom: 2, maxZoom: 18 })
    .setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], parseInt(el.dataset.zoom, 10));
  map.attributionControl.setPrefix(false);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var layer = L.layerGroup().addTo(map);
  var stats = window.enlaceMap = { redraws: [], markers: 0, requests: 0, borders: false };
  var seq = 0;

  fetch(el.dataset.borders).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, {
      interactive: false,
      style: function (f) {
        var member = f.properties.member;
        return { color: member ? "#083f78" : "#8a9bb0", weight: member ? 1.2 : 0.6, fillColor: member ? "#ffffff" : "#eef2f6", fillOpacity: 1 };
      }
    }).addTo(map).bringToBack();
    stats.borders = true;
  });

  function filterParams() {
    var params = new URLSearchParams(new FormData(form));
    params.delete("page");
    return params;
  }

  function bboxText() {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function clusterIcon(count) {
    var size = count < 10 ? 28 : count < 100 ? 34 : count < 1000 ? 40 : 48;
    return L.divIcon({ html: String(count), className: "cluster-icon", iconSize: [size, size] });
  }

  function draw(data, started) {
    layer.clearLayers();
    data.clusters.forEach(function (c) {
      var marker = L.marker([c[0], c[1]], { icon: clusterIcon(c[2]), keyboard: false, title: c[2] + " " + el.dataset.labelCluster });
      marker.on("click", function () { map.setView([c[0], c[1]], Math.min(map.getZoom() + 2, 18)); });
      layer.addLayer(marker);
    });
    data.points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], { radius: 7, color: "#ffffff", weight: 2, fillColor: "#a3161b", fillOpacity: 0.95 });
      var link = document.createElement("a");
      link.href = el.dataset.serviceUrl + p.s + "/";
      link.textContent = p.name;
      marker.bindPopup(link);
      layer.addLayer(marker);
    });
    stats.markers = data.clusters.length + data.points.length;
    stats.redraws.push(performance.now() - started);
    el.dataset.markers = String(stats.markers);
  }

  function refresh(mapOnly) {
    var started = performance.now();
    var mine = ++seq;
    var params = filterParams();
    params.set("bbox", bboxText());
    params.set("zoom", String(map.getZoom()));
    stats.requests += 1;
    fetch(el.dataset.url + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === seq) { draw(data, started); } });
    var bbox = form.querySelector("[name=bbox]");
    if (bbox) { bbox.value = bboxText(); }
    if (mapOnly !== true && window.htmx && !form.querySelector("[name=near]").value && !form.querySelector("[name=lat]").value) {
      window.htmx.trigger(form, "submit");
    }
  }

  map.on("moveend", function () { refresh(false); });
  form.addEventListener("change", function () { window.setTimeout(function () { refresh(true); }, 0); });
  map.on("click", function (e) {
    form.querySelector("[name=lat]").value = e.latlng.lat.toFixed(5);
    form.querySelector("[name=lon]").value = e.latlng.lng.toFixed(5);
    form.querySelector("[name=near]").value = "";
    if (window.htmx) { window.htmx.trigger(form, "submit"); }
  });
  form.querySelector("[name=near]").addEventListener("change", function () {
    form.querySelector("[name=lat]").value = "";
    form.querySelector("[name=lon]").value = "";
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest(".show-on-map") : null;
    if (!button) { return; }
    map.setView([parseFloat(button.dataset.lat), parseFloat(button.dataset.lon)], Math.max(map.getZoom(), 12));
    el.focus();
  });
  el.setAttribute("tabindex", "0");
  refresh(true);
})();
