/* The directory map: offline borders, server-side clusters, list beside it (htmx).
   Loaded as a static file (the CSP forbids inline scripts). */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var form = document.getElementById("map-filters");
  var map = L.map(el, { preferCanvas: true, worldCopyJump: false, minZoom: 2, maxZoom: 18 });
  // An address with a viewport (a shared or reloaded filtered view) opens on it; else the default view.
  var given = (form.querySelector("[name=bbox]") || {}).value || "";
  var box = given.split(",").map(parseFloat);
  if (box.length === 4 && box.every(isFinite)) {
    map.fitBounds([[box[1], box[0]], [box[3], box[2]]]);
  } else {
    map.setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], parseInt(el.dataset.zoom, 10));
  }
  el.parentNode.classList.add("map-on");  // the list's "Show on map" buttons work from now on (map.css)
  map.attributionControl.setPrefix(false);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
  }
  // Panes from the bottom: the borders, the place names, then the services (overlay and markers).
  map.createPane("borders").style.zIndex = 350;
  map.createPane("placeNames").style.zIndex = 390;
  var layer = L.layerGroup().addTo(map);
  var stats = window.enlaceMap = { redraws: [], markers: 0, requests: 0, borders: false };
  var seq = 0;

  fetch(el.dataset.borders).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, {
      interactive: false,
      pane: "borders",
      renderer: L.canvas({ pane: "borders" }),
      style: function (f) {
        var member = f.properties.member;
        return { color: member ? "#083f78" : "#8a9bb0", weight: member ? 1.2 : 0.6, fillColor: member ? "#ffffff" : "#eef2f6", fillOpacity: 1 };
      }
    }).addTo(map).bringToBack();
    stats.borders = true;
    addPlaceNames(data);
  });

  // Country names at the middle of each country's largest part, capitals as dots: names in the
  // reader's language come with the page (json_script). Large countries are named from zoom 4,
  // smaller ones as they get room, capitals from zoom 6.
  var names = document.getElementById("map-place-names");
  var labels = [];
  function label(text, latlng, cls, minZoom) {
    var marker = L.marker(latlng, { interactive: false, keyboard: false, pane: "placeNames",
      icon: L.divIcon({ className: cls, html: "<span></span>", iconSize: null }) }).on("add", function (e) {
      e.target.getElement().firstChild.textContent = text;
    });
    labels.push({ marker: marker, minZoom: minZoom });
  }
  function largestPart(feature) {
    var geometry = feature.geometry, polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    var best = null, bestArea = -1;
    polygons.forEach(function (polygon) {
      var bounds = L.latLngBounds(polygon[0].map(function (p) { return [p[1], p[0]]; }));
      var area = (bounds.getNorth() - bounds.getSouth()) * (bounds.getEast() - bounds.getWest());
      if (area > bestArea) { bestArea = area; best = bounds; }
    });
    return best ? { at: best.getCenter(), area: bestArea } : null;
  }
  function addPlaceNames(data) {
    if (!names) { return; }
    var known = JSON.parse(names.textContent);
    data.features.forEach(function (feature) {
      var name = known.countries[feature.properties.iso], part = largestPart(feature);
      if (name && part) { label(name, part.at, "map-label country", part.area > 40 ? 4 : part.area > 4 ? 5 : 6); }
    });
    known.capitals.forEach(function (capital) { label(capital[0], [capital[1], capital[2]], "map-label capital", 6); });
    showPlaceNames();
    map.on("zoomend", showPlaceNames);
  }
  function showPlaceNames() {
    var zoom = map.getZoom();
    labels.forEach(function (l) {
      if (zoom >= l.minZoom) { l.marker.addTo(map); } else { l.marker.remove(); }
    });
  }

  function filterParams() {
    var params = new URLSearchParams(new FormData(form));
    params.delete("page");
    return params;
  }

  // The filters' address, without the empty ones: what the form pushes and panning replaces.
  function dropEmpty(params) {
    Array.from(params.keys()).forEach(function (key) { if (!params.get(key)) { params.delete(key); } });
    return params;
  }
  form.addEventListener("htmx:configRequest", function (e) { dropEmpty(e.detail.formData); });

  function bboxText() {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
  }

  // The viewport widened to whole 256-pixel tiles: readers panning ask the same questions, which
  // the page cache and any proxy answer once (a public reader also names the page's language).
  function snappedBboxText() {
    var z = map.getZoom(), b = map.getPixelBounds(), t = 256, lim = 85.0511287798;
    var nw = map.unproject(L.point(Math.floor(b.min.x / t) * t, Math.floor(b.min.y / t) * t), z);
    var se = map.unproject(L.point(Math.ceil(b.max.x / t) * t, Math.ceil(b.max.y / t) * t), z);
    function lon(v) { return Math.max(-180, Math.min(180, v)).toFixed(6); }
    function lat(v) { return Math.max(-lim, Math.min(lim, v)).toFixed(6); }
    return [lon(nw.lng), lat(se.lat), lon(se.lng), lat(nw.lat)].join(",");
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
    params.set("bbox", snappedBboxText());
    params.set("zoom", String(map.getZoom()));
    if (el.dataset.lang) { params.set("lang", el.dataset.lang); }
    stats.requests += 1;
    fetch(el.dataset.url + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === seq) { draw(data, started); } });
    var bbox = form.querySelector("[name=bbox]");
    if (bbox) { bbox.value = bboxText(); }
    if (mapOnly !== true) { followMap(); }
  }

  // Panning keeps the address (replaced, not a new history entry) and the list in step with the map;
  // the list of "nearest services" stays as it is.
  function followMap() {
    if (window.htmx && !form.querySelector("[name=near]").value && !form.querySelector("[name=lat]").value) {
      window.htmx.ajax("GET", form.getAttribute("action"),
        { source: form, target: "#results", swap: "outerHTML", push: "false", replace: "true" });
    } else {
      window.history.replaceState({ htmx: true }, "", form.getAttribute("action") + "?" + dropEmpty(filterParams()));
    }
  }

  // Back and Forward between filtered views load the address again: a snapshot cannot bring a live map back.
  ["htmx:historyCacheMiss", "htmx:historyCacheHit"].forEach(function (name) {
    document.body.addEventListener(name, function (e) { e.preventDefault(); window.location.reload(); });
  });

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
