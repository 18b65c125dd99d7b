// Lifeline: optional help for picking on maps. Every form works without
// it: the fields it fills can be typed by hand.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  function num(el) { return el ? parseFloat(el.value) : NaN; }
  function fmt(x) { return (Math.round(x * 1000) / 1000).toString(); }

  document.querySelectorAll("svg[data-pick]").forEach(function (svg) {
    var form = svg.closest("form");
    if (!form) return;
    var g = svg.getAttribute("data-geo").split(" ").map(parseFloat); // west north kx ky
    var mode = svg.getAttribute("data-pick");
    var f = function (n) { return form.querySelector("[name=" + n + "]"); };
    var preview = document.createElementNS(NS, "path");
    preview.setAttribute("class", "pick");
    svg.appendChild(preview);

    function xy(lon, lat) { return [(lon - g[0]) * g[2], (g[1] - lat) * g[3]]; }
    function draw() {
      var d = "";
      var shape = form.querySelector("[name=shape]:checked");
      if (mode === "sim" || !shape || shape.value === "circle") {
        var lon = num(f("lon")), lat = num(f("lat")), km = num(f("radius_km"));
        if (!isNaN(lon) && !isNaN(lat) && km > 0) {
          var ry = km / 111.2 * g[3];
          var rx = km / (111.2 * Math.max(Math.cos(lat * Math.PI / 180), 0.05)) * g[2];
          var c = xy(lon, lat);
          d = "M" + (c[0] - rx) + " " + c[1] + "a" + rx + " " + ry + " 0 1 0 " + 2 * rx + " 0a" + rx + " " + ry + " 0 1 0 " + -2 * rx + " 0z";
        }
      } else if (f("polygon")) {
        f("polygon").value.split(",").forEach(function (pair, i) {
          var p = pair.trim().split(/\s+/).map(parseFloat);
          if (p.length === 2 && !isNaN(p[0]) && !isNaN(p[1])) {
            var q = xy(p[0], p[1]);
            d += (d ? "L" : "M") + q[0] + " " + q[1];
          }
        });
        if (d) d += "z";
      }
      preview.setAttribute("d", d);
    }

    function toggle(select, name, el) {
      if (!select) return;
      for (var i = 0; i < select.options.length; i++) {
        var o = select.options[i];
        if (o.value === name) {
          o.selected = !o.selected;
          el.classList.toggle("sel", o.selected);
          select.dispatchEvent(new Event("change"));
        }
      }
    }

    svg.addEventListener("click", function (e) {
      var a = e.target.closest("a");
      // On the simulator's map a cable or a landing point is titled with
      // its name, which is the value of its option in the form's lists.
      var el = e.target, t = el.querySelector && el.querySelector("title");
      var list = el.classList.contains("cable") ? "cable" : el.classList.contains("lp") ? "lp" : "";
      if (mode === "sim" && list && t) {
        e.preventDefault();
        toggle(f(list), t.textContent, el);
        return;
      }
      if (a) e.preventDefault();
      var pt = svg.createSVGPoint();
      pt.x = e.clientX; pt.y = e.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      var lon = g[0] + p.x / g[2], lat = g[1] - p.y / g[3];
      var shape = form.querySelector("[name=shape]:checked");
      if (mode !== "sim" && shape && shape.value === "polygon") {
        var t = f("polygon");
        t.value = (t.value.trim() ? t.value.trim() + ", " : "") + fmt(lon) + " " + fmt(lat);
      } else {
        f("lon").value = fmt(lon);
        f("lat").value = fmt(lat);
        if (!(num(f("radius_km")) > 0)) f("radius_km").value = "100";
      }
      draw();
    });
    form.addEventListener("input", draw);
    form.addEventListener("change", draw);
    var clear = form.querySelector("[data-clear]");
    if (clear) clear.addEventListener("click", function () { f("polygon").value = ""; draw(); });
    draw();
  });
})();
