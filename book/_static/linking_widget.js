/* Interactive figure of the chapter "Two markets, linked and unlinked".
 *
 * Two markets with straight-line marginal abatement costs MAC_i(q) = s_i q, business-as-usual
 * emissions BAU_i and caps c_i. Required abatement A_i = BAU_i - c_i.
 *   autarky price   p_i = max(0, s_i A_i)
 *   linked price    p   = max(0, (A_1 + A_2) / (1/s_1 + 1/s_2))
 *   abatement       autarky max(0, A_i); linked p / s_i
 *   net purchases   A_i - abatement (positive: buys)
 *   total cost      s_i q^2 / 2 + price * net purchases; gain = autarky cost - linked cost
 * Plain JavaScript, no library and no network: the page's own closed form. The chapter's code
 * cell writes the defaults and the model's numbers into the container's data attributes.
 */
(function () {
  "use strict";

  function closedForm(bau, cap, slope) {
    var need = [bau[0] - cap[0], bau[1] - cap[1]];
    var autarky = [Math.max(0, slope[0] * need[0]), Math.max(0, slope[1] * need[1])];
    var price = Math.max(0, (need[0] + need[1]) / (1 / slope[0] + 1 / slope[1]));
    var result = { autarky: autarky, price: price, gain: [], netPurchases: [] };
    for (var i = 0; i < 2; i++) {
      var qAut = Math.max(0, need[i]);
      var costAut = 0.5 * slope[i] * qAut * qAut + autarky[i] * (need[i] - qAut);
      var qLink = price / slope[i];
      var net = need[i] - qLink;
      var costLink = 0.5 * slope[i] * qLink * qLink + price * net;
      result.netPurchases.push(net);
      result.gain.push(costAut - costLink);
    }
    result.flow = result.netPurchases[0];
    return result;
  }

  function fmt(value, digits) {
    var v = Math.abs(value) < 5e-10 ? 0 : value;
    return v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function drawFigure(box, bau, cap, slope, r) {
    var W = 640, H = 300, L = 56, R = 16, T = 16, B = 40;
    while (box.firstChild) box.removeChild(box.firstChild);
    var need = [bau[0] - cap[0], bau[1] - cap[1]];
    var total = need[0] + need[1];
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img",
      "aria-label": "Back-to-back marginal abatement costs" });
    box.appendChild(root);
    if (total <= 0) {
      var t = svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle" });
      t.textContent = "The joint cap is slack: no abatement is needed and the linked price is 0.";
      root.appendChild(t);
      return;
    }
    var yMax = 1.2 * Math.max(slope[0] * total, slope[1] * total, r.autarky[0], r.autarky[1], 1);
    yMax = Math.min(yMax, 1.25 * Math.max(r.autarky[0], r.autarky[1], r.price, 1));
    var x = function (q) { return L + (W - L - R) * q / total; };
    var y = function (p) { return H - B - (H - T - B) * Math.min(p, yMax) / yMax; };
    root.appendChild(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#444" }));
    root.appendChild(svg("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#444" }));
    // MAC of A from the left, of B from the right (abatement of A = q, of B = total - q).
    var qAMax = Math.min(total, yMax / slope[0]);
    root.appendChild(svg("line", { x1: x(0), y1: y(0), x2: x(qAMax), y2: y(slope[0] * qAMax),
      stroke: "#d62728", "stroke-width": 2 }));
    var qBMax = Math.min(total, yMax / slope[1]);
    root.appendChild(svg("line", { x1: x(total), y1: y(0), x2: x(total - qBMax), y2: y(slope[1] * qBMax),
      stroke: "#1f77b4", "stroke-width": 2 }));
    if (need[0] >= 0 && need[0] <= total) {
      root.appendChild(svg("line", { x1: x(need[0]), y1: T, x2: x(need[0]), y2: H - B,
        stroke: "#000", "stroke-dasharray": "2,3" }));
    }
    root.appendChild(svg("line", { x1: L, y1: y(r.price), x2: W - R, y2: y(r.price),
      stroke: "#000", "stroke-dasharray": "6,4" }));
    var labels = [
      [L + 6, T + 12, "start", "#d62728", "MAC of A (from the left)"],
      [W - R - 6, T + 12, "end", "#1f77b4", "MAC of B (from the right)"],
      [W - R - 6, y(r.price) - 6, "end", "#000", "linked price " + fmt(r.price, 2) + " USD/t"],
      [(L + W - R) / 2, H - 8, "middle", "#000", "abatement of A (Mt), from the left; dotted: autarky split"],
    ];
    labels.forEach(function (a) {
      var t = svg("text", { x: a[0], y: a[1], "text-anchor": a[2], fill: a[3], "font-size": 13 });
      t.textContent = a[4];
      root.appendChild(t);
    });
    var yl = svg("text", { x: 14, y: (T + H - B) / 2, "text-anchor": "middle", "font-size": 13,
      transform: "rotate(-90 14 " + (T + H - B) / 2 + ")" });
    yl.textContent = "USD/t";
    root.appendChild(yl);
  }

  function setup(widget) {
    var d = widget.dataset;
    var bau = [parseFloat(d.bauA), parseFloat(d.bauB)];
    var state = { "cap-a": parseFloat(d.capA), "cap-b": parseFloat(d.capB),
      "slope-a": parseFloat(d.slopeA), "slope-b": parseFloat(d.slopeB) };
    while (widget.firstChild) widget.removeChild(widget.firstChild);

    var sliders = el("div", { class: "linking-widget-sliders" });
    var specs = [
      ["cap-a", "Cap of A, c_A (Mt)", 0, Math.round(1.2 * bau[0]), 10, 0],
      ["cap-b", "Cap of B, c_B (Mt)", 0, Math.round(1.2 * bau[1]), 10, 0],
      ["slope-a", "MAC slope of A, s_A (USD/t per Mt)", 0.01, 0.5, 0.01, 2],
      ["slope-b", "MAC slope of B, s_B (USD/t per Mt)", 0.01, 0.5, 0.01, 2],
    ];
    var shown = {};
    specs.forEach(function (s) {
      var row = el("label", { class: "linking-widget-row" });
      row.appendChild(el("span", { class: "linking-widget-name" }, s[1]));
      var input = el("input", { type: "range", id: "linking-" + s[0], name: s[0], min: s[2], max: s[3],
        step: s[4], value: state[s[0]], "data-digits": s[5] });
      row.appendChild(input);
      shown[s[0]] = el("output", { for: "linking-" + s[0], class: "linking-widget-value" }, fmt(state[s[0]], s[5]));
      row.appendChild(shown[s[0]]);
      input.addEventListener("input", function () {
        state[s[0]] = parseFloat(input.value);
        shown[s[0]].textContent = fmt(state[s[0]], s[5]);
        update();
      });
      sliders.appendChild(row);
    });
    widget.appendChild(sliders);

    var table = el("table", { class: "table linking-widget-results" });
    var rows = [
      ["autarky-a", "Autarky price of A (USD/t)"],
      ["autarky-b", "Autarky price of B (USD/t)"],
      ["price", "Linked price (USD/t)"],
      ["flow", "A's net purchases from B (Mt; negative: A sells)"],
      ["gain-a", "Gain of A (million USD)"],
      ["gain-b", "Gain of B (million USD)"],
      ["gain-total", "Total gain (million USD)"],
    ];
    var cells = {};
    var body = el("tbody");
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, r[1]));
      cells[r[0]] = el("td", { class: "linking-widget-" + r[0], "data-out": r[0] });
      tr.appendChild(cells[r[0]]);
      body.appendChild(tr);
    });
    table.appendChild(body);
    widget.appendChild(table);
    var figure = el("div", { class: "linking-widget-figure" });
    widget.appendChild(figure);

    function update() {
      var cap = [state["cap-a"], state["cap-b"]];
      var slope = [state["slope-a"], state["slope-b"]];
      var r = closedForm(bau, cap, slope);
      var values = { "autarky-a": r.autarky[0], "autarky-b": r.autarky[1], price: r.price, flow: r.flow,
        "gain-a": r.gain[0], "gain-b": r.gain[1], "gain-total": r.gain[0] + r.gain[1] };
      Object.keys(values).forEach(function (k) {
        var digits = k.indexOf("gain") === 0 || k === "flow" ? 0 : 2;
        cells[k].textContent = fmt(values[k], digits);
        cells[k].setAttribute("data-value", String(values[k]));
      });
      drawFigure(figure, bau, cap, slope, r);
    }
    update();
    widget.setAttribute("data-ready", "true");
  }

  window.linkingWidget = { closedForm: closedForm };
  function init() {
    var widgets = document.querySelectorAll(".linking-widget");
    for (var i = 0; i < widgets.length; i++) setup(widgets[i]);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
