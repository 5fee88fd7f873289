/* The map position of a place: drag the pin or click the map, and the coordinates follow; type
   them, and the pin follows. The page works without it (the two number fields). */
(function () {
  "use strict";
  if (!window.L) { return; }
  document.querySelectorAll("[data-pin]").forEach(function (el) {
    var lat = document.getElementById(el.dataset.lat), lon = document.getElementById(el.dataset.lon);
    var at = function () { return [parseFloat(lat.value) || 0, parseFloat(lon.value) || 0]; };
    // With a tile server the street is visible; offline, the borders show the country around the pin.
    var map = L.map(el, { minZoom: 2, maxZoom: 18 }).setView(at(), el.dataset.tiles ? 15 : 8);
    map.attributionControl.setPrefix(false);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
    }
    fetch(el.dataset.borders).then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, { interactive: false, style: { color: "#083f78", weight: 1, fillColor: "#ffffff", fillOpacity: el.dataset.tiles ? 0 : 1 } })
        .addTo(map).bringToBack();
    });
    var pin = L.marker(at(), { draggable: true, keyboard: true, title: el.getAttribute("aria-label") }).addTo(map);
    function put(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }
    pin.on("dragend", function () { put(pin.getLatLng()); });
    map.on("click", function (e) { pin.setLatLng(e.latlng); put(e.latlng); });
    [lat, lon].forEach(function (input) {
      input.addEventListener("input", function () {
        var p = at();
        if (Math.abs(p[0]) <= 90 && Math.abs(p[1]) <= 180) { pin.setLatLng(p); map.panTo(p); }
      });
    });
  });
}());
