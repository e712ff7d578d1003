/* backprop explore: the page. Every edit recomputes everything shown (BackpropEngine); choosing a
   parameter lights its paths and shows its derivation; Step, Reset, Download; the step-through of
   the forward and backward passes; a table of every node. One view per .backprop-explore element,
   its ids suffixed in a notebook (view.suffix) so that several views stay independent. */
(function () {
  "use strict";
  var root = document.currentScript.parentElement;
  var view = JSON.parse(root.querySelector("script[type=\"application/json\"][id^=view]").textContent);
  var modelScript = root.querySelector("script[data-role=model]");
  var spec = modelScript ? JSON.parse(modelScript.textContent) : null;  // null: shown as trace shows it
  var live = spec !== null, E = live ? BackpropEngine : null, suffix = view.suffix || "";
  var precision = live ? spec.precision : 6;
  var model = live ? clone(spec) : null, result = null, chosen = null, derivations = view.derivations;
  function clone(x) { return JSON.parse(JSON.stringify(x)); }
  function byId(id) { return root.querySelector("#" + CSS.escape(id + suffix)); }
  function role(name) { return root.querySelector("[data-role=" + name + "]"); }
  function show(v) { return E.num(v, precision); }
  function exact(v) { return String(v); }
  var network = live && model.kind === "network";

  /* ---------- the values: read, written, edited ---------- */
  function parse(text) {
    var t = text.trim();
    return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) && isFinite(Number(t)) ? Number(t) : null;
  }
  function setValue(m, name, value) {
    if (name === "lr") { m.lr = value; return; }
    var ref = m.kind === "network" ? locate(m, name) : null;
    if (m.kind === "expression") { m.at[name] = value; return; }
    if (ref) ref.set(value);
  }
  function getValue(m, name) {
    if (name === "lr") return m.lr;
    if (m.kind === "expression") return m.at[name];
    var ref = locate(m, name);
    return ref ? ref.get() : undefined;
  }
  function cell(array, i, j) {
    return {get: function () { return array[i][j]; }, set: function (v) { array[i][j] = v; }};
  }
  function locate(m, name) {  // a name a data-edit carries: w212, b21, b2, x1, y1, x1[2], y1[2]
    var found = null, n = m.names, sample = 0, base = name, match = /^(.*)\[(\d+)\]$/.exec(name);
    if (match) { base = match[1]; sample = Number(match[2]) - 1; }
    m.parameters.forEach(function (p) {
      if (p.name !== name) return;
      var L = m.layers[p.layer - 1];
      found = p.kind === "w" ? cell(L.weights, p.j - 1, p.k - 1) : {get: function () { return L.biases[(p.j || 1) - 1]; },
        set: function (v) { if (p.j === null) L.biases = L.biases.map(function () { return v; }); else L.biases[p.j - 1] = v; }};
    });
    if (found) return found;
    n.post[0].forEach(function (x, k) { if (x === base && sample < m.inputs.length) found = cell(m.inputs, sample, k); });
    n.target.forEach(function (y, k) { if (y === base && sample < m.targets.length) found = cell(m.targets, sample, k); });
    return found;
  }
  function editors() { return root.querySelectorAll("input[data-edit]"); }
  function refreshEditors() {
    editors().forEach(function (input) {
      var v = getValue(model, input.getAttribute("data-edit"));
      input.value = exact(v);
      input.removeAttribute("aria-invalid");
    });
  }
  editors().forEach(function (input) {
    function apply() {
      var value = parse(input.value), name = input.getAttribute("data-edit");
      if (value === getValue(model, name)) return;
      if (value === null || (name === "lr" && !(value > 0))) {
        input.setAttribute("aria-invalid", "true");
        status("“" + input.value + "” is not " + (name === "lr" ? "a number above 0" : "a number") + ": " + name +
          " keeps " + exact(getValue(model, name)));
        return;
      }
      input.removeAttribute("aria-invalid");
      var before = getValue(model, name);
      setValue(model, name, value);
      if (!recompute()) { setValue(model, name, before); recompute(); input.setAttribute("aria-invalid", "true"); }
      else status(name + " = " + exact(value) + ": " + model.names.loss + " = " + show(result.loss));
    }
    input.addEventListener("change", apply);
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); apply(); } });
  });

  /* ---------- recomputing and showing ---------- */
  function status(text) { role("status").textContent = text; }
  function recompute() {
    var started = performance.now();
    var next = E.compute(model);
    if (next.error) {
      status("cannot compute at these values: " + next.error);
      root.setAttribute("data-error", next.error);
      return false;
    }
    root.removeAttribute("data-error");
    result = next;
    derivations = {};  // each worked out when it is shown (derivation() below)
    render();
    root.setAttribute("data-latency", String(performance.now() - started));
    return true;
  }
  function render() {
    role("loss").textContent = show(result.loss);
    root.querySelectorAll("[data-show=lr]").forEach(function (el) { el.textContent = show(model.lr); });
    root.querySelectorAll("[data-show=loss]").forEach(function (el) { el.textContent = show(result.loss); });
    if (network) renderNetwork(); else renderExpression();
    renderTable();
    if (chosen) choose(chosen, true);
  }
  function setInfo(el, info) {
    if (!el) return;
    el.setAttribute("data-info", info);
    var title = el.querySelector("title");
    if (title) title.textContent = info;
  }
  function renderNetwork() {
    var n = model.names, depth = model.layers.length, pretty = E.pretty;
    root.querySelectorAll("[data-node]").forEach(function (el) {
      var at = el.getAttribute("data-node").split(","), l = Number(at[0]), j = Number(at[1]);
      if (l === 0) { setInfo(el, n.post[0][j] + " = " + show(result.a[0][0][j])); return; }
      setInfo(el, pretty(n.pre[l][j]) + " = " + show(result.z[l][0][j]) + "\n" + pretty(n.post[l][j]) + " = " +
        show(result.a[l][0][j]) + "\nδ = ∂" + n.loss + "/∂" + pretty(n.pre[l][j]) + " = " + show(result.deltas[l][0][j]));
    });
    root.querySelectorAll("[data-weight]").forEach(function (el) {
      var at = el.getAttribute("data-weight").split(",").map(Number), w = model.layers[at[0] - 1].weights[at[1]][at[2]];
      setInfo(el, n.w[at[0]][at[1]][at[2]] + " = " + show(w));
      var line = el.querySelector("line");
      line.classList.toggle("positive", w >= 0);
      line.classList.toggle("negative", w < 0);
    });
    root.querySelectorAll("[data-bias]").forEach(function (el) {
      var at = el.getAttribute("data-bias").split(",").map(Number), L = model.layers[at[0] - 1];
      var shared = L.bias === "shared";
      setInfo(el, n.b[at[0]][shared ? 0 : at[1]] + " = " + show(L.biases[shared ? 0 : at[1]]) + (shared ? " (shared)" : ""));
    });
    setInfo(byId("n-loss"), n.loss + " = " + show(result.loss));
    void depth;
  }
  function renderExpression() {
    var nodes = model.nodes, out = model.names.loss;
    root.querySelectorAll("[data-x]").forEach(function (el) {
      var i = Number(el.getAttribute("data-x")), node = nodes[i];
      setInfo(el, (node.op ? node.step : node.name + " (input)") + "\n= " + show(result.values[i]) + "\n∂" + out + "/∂" +
        node.name + " = " + show(result.derivatives[i]));
    });
    root.querySelectorAll("[data-g]").forEach(function (el) {
      var e = Number(el.getAttribute("data-g")), edge = model.edges[e];
      var info = "∂" + nodes[edge.user].name + "/∂" + nodes[edge.operand].name + " = " + edge.formula + " = " + show(result.edgeValues[e]);
      el.setAttribute("data-info", info);
      var title = el.querySelector("title");
      if (title) title.textContent = info;
    });
  }
  function renderTable() {
    var body = role("table-body"), rows = [];
    if (!body) return;
    if (network) {
      var n = model.names, depth = model.layers.length;
      for (var s = 0; s < result.samples; s++) {
        var mark = result.samples > 1 ? "[" + (s + 1) + "]" : "";
        n.post[0].forEach(function (x, k) { rows.push([x + mark, "", show(result.a[0][s][k]), show(result.inputGradient[s][k]), ""]); });
        for (var l = 1; l <= depth; l++) {
          n.pre[l].forEach(function (z, j) {
            rows.push([E.pretty(n.post[l][j]) + mark + " / " + E.pretty(z) + mark, show(result.z[l][s][j]), show(result.a[l][s][j]),
              show(result.gradA[l][s][j]), show(result.deltas[l][s][j])]);
          });
        }
      }
      rows.push([n.loss, "", show(result.loss), "1", ""]);
    } else {
      model.nodes.forEach(function (node, i) {
        if (node.constant !== null) return;
        rows.push([node.name, node.op ? node.step.split(" = ").slice(1).join(" = ") : "(input)", show(result.values[i]),
          show(result.derivatives[i])]);
      });
    }
    body.textContent = "";
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (text, i) {
        var td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) td.setAttribute("scope", "row");
        td.textContent = text;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  /* ---------- choosing a parameter ---------- */
  function choose(name, quiet) {
    chosen = name;
    root.querySelectorAll(".on-path, .chosen").forEach(function (el) { el.classList.remove("on-path", "chosen"); });
    (view.lit[name] || []).forEach(function (id) { var el = byId(id); if (el) el.classList.add("on-path"); });
    root.querySelectorAll("[data-param]").forEach(function (el) {
      var on = el.getAttribute("data-param") === name;
      el.classList.toggle("chosen", on);
      if (el.tagName === "BUTTON") el.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var text = derivation(name);
    role("derivation").textContent = text !== undefined ? text :
      name + " is not on this page (it was written with --weight for others)";
    void quiet;
  }
  function derivation(name) {  // its paths and text, worked out once per recomputation
    if (!live) return derivations[name];
    if (!(name in derivations)) {
      var trace = E.trace(result, name);
      derivations[name] = trace ? E.derivationText(trace, precision, model.names.loss) : undefined;
    }
    return derivations[name];
  }
  root.querySelectorAll("[data-param]").forEach(function (el) {
    var name = el.getAttribute("data-param");
    if (el.closest("svg")) return;  // the drawing picks by the nearest edge (below)
    el.addEventListener("click", function () { choose(name); });
  });
  var svg = role("graph");
  /* a click on the drawing picks the edge nearest the pointer, not the one drawn last (crossing
     edges' bands overlap); where edges cross (within 2 px of each), each click picks the next */
  var crossing = {key: "", index: 0};
  svg.addEventListener("click", function (event) {
    var hit = event.target.closest("[data-param]");
    if (!hit) return;
    var matrix = svg.getScreenCTM();
    if (!matrix || !hit.querySelector("line")) { choose(hit.getAttribute("data-param")); return; }
    var point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse()), near = [];
    svg.querySelectorAll("g.pick").forEach(function (g) {
      var l = g.querySelector("line");
      if (!l) return;
      var x1 = l.x1.baseVal.value, y1 = l.y1.baseVal.value, x2 = l.x2.baseVal.value, y2 = l.y2.baseVal.value;
      var dx = x2 - x1, dy = y2 - y1, t = ((point.x - x1) * dx + (point.y - y1) * dy) / (dx * dx + dy * dy || 1);
      t = Math.max(0, Math.min(1, t));
      near.push([Math.hypot(point.x - x1 - t * dx, point.y - y1 - t * dy), g.getAttribute("data-param")]);
    });
    near.sort(function (a, b) { return a[0] - b[0]; });
    var tied = near.filter(function (n) { return n[0] <= near[0][0] + 2; }).map(function (n) { return n[1]; });
    if (tied.length < 2) { crossing.key = ""; choose(tied[0]); return; }
    tied.sort();
    var key = tied.join(" ");
    crossing.index = crossing.key === key ? (crossing.index + 1) % tied.length : 0;
    crossing.key = key;
    choose(tied[crossing.index]);
    status(tied.join(" and ") + " cross here: chose " + tied[crossing.index] + "; click again for " +
      tied[(crossing.index + 1) % tied.length]);
  });
  svg.querySelectorAll("[data-param]").forEach(function (el) {
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(el.getAttribute("data-param")); }
    });
  });
  function hover(el) { role("hover").textContent = el.getAttribute("data-info"); }
  root.querySelectorAll("[data-info]").forEach(function (el) {
    el.addEventListener("mouseenter", function () { hover(el); });
    el.addEventListener("focus", function () { hover(el); });
  });
  var search = role("search");
  search.addEventListener("input", function () {
    var wanted = search.value.trim().toLowerCase();
    root.querySelectorAll("[data-role=params] li").forEach(function (li) {
      li.hidden = wanted !== "" && li.textContent.toLowerCase().indexOf(wanted) < 0;
    });
  });
  search.addEventListener("keydown", function (event) {  // Enter chooses the match: exact, else the first shown
    if (event.key !== "Enter") return;
    event.preventDefault();
    var wanted = search.value.trim(), buttons = Array.prototype.slice.call(root.querySelectorAll("[data-role=params] button"));
    var exactMatch = buttons.find(function (b) { return b.getAttribute("data-param") === wanted; });
    var first = exactMatch || buttons.find(function (b) { return !b.parentElement.hidden; });
    if (first) { choose(first.getAttribute("data-param")); status("chose " + first.getAttribute("data-param")); }
    else status("nothing matches “" + wanted + "”");
  });

  /* ---------- Step, Reset, Download ---------- */
  function step() {
    if (!network || !result) return;
    var updates = [];
    model.parameters.forEach(function (p) {
      if (model.frozen[p.canonical]) return;
      var value = E.parameterValue(model, p), gradient = E.parameterGradient(result, p);
      updates.push([p, value - model.lr * gradient]);
    });
    var before = clone(model.layers);
    updates.forEach(function (u) {
      var p = u[0], L = model.layers[p.layer - 1];
      if (p.kind === "w") L.weights[p.j - 1][p.k - 1] = u[1];
      else if (p.j === null) L.biases = L.biases.map(function () { return u[1]; });
      else L.biases[p.j - 1] = u[1];
    });
    if (!recompute()) {  // diverged: the update overflows; kept out, as an edit that cannot be computed is
      var why = root.getAttribute("data-error");
      model.layers = before;
      recompute();
      status("Step refused, the values are kept: after it " + why);
      return;
    }
    refreshEditors();
    status("one update applied: " + model.names.loss + " = " + show(result.loss));
  }
  function reset() {
    model = clone(spec);
    refreshEditors();
    recompute();
    status("the spec's values restored");
  }
  /* a YAML double-quoted scalar: JSON's escapes, and \uXXXX for what YAML's reader refuses (DEL, the C1
     controls, U+FEFF, U+FFFE/U+FFFF) or reads as a line break (U+0085, U+2028, U+2029) */
  function yamlString(text) {
    return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4); });
  }
  function list(values) { return "[" + values.map(exact).join(", ") + "]"; }
  function yaml() {
    var lines = [];
    if (model.title) lines.push("name: " + yamlString(model.title));
    if (model.description) lines.push("description: " + yamlString(model.description));
    if (!network) {
      lines.push("expression: " + yamlString(model.text));
      lines.push("at: {" + Object.keys(model.at).map(function (k) { return yamlString(k) + ": " + exact(model.at[k]); }).join(", ") + "}");
      return lines.join("\n") + "\n";
    }
    var batch = model.inputs.length > 1;
    if (batch) {
      lines.push("inputs:");
      model.inputs.forEach(function (row) { lines.push("  - " + list(row)); });
    } else lines.push("input: " + list(model.inputs[0]));
    if (model.loss === "none") lines.push("output_gradient: " + list(model.targets[0]));
    else if (batch) {
      lines.push("targets:");
      model.targets.forEach(function (row) { lines.push("  - " + list(row)); });
    } else lines.push("target: " + list(model.targets[0]));
    if (batch) lines.push("reduction: " + model.reduction);
    lines.push("loss: " + model.loss);
    lines.push("learning_rate: " + exact(model.lr));
    lines.push("layers:");
    model.layers.forEach(function (L) {
      lines.push("  - activation: " + (L.act === "leaky_relu" ? "{name: leaky_relu, alpha: " + exact(L.alpha) + "}" : L.act));
      lines.push("    weights:");
      L.weights.forEach(function (row) { lines.push("      - " + list(row)); });
      lines.push("    biases: " + (L.bias === "none" ? "none" : L.bias === "shared" ? "{shared: " + exact(L.biases[0]) + "}" : list(L.biases)));
    });
    var frozen = Object.keys(model.frozen);
    if (frozen.length) lines.push("frozen: [" + frozen.map(yamlString).join(", ") + "]");
    var course = Object.keys(model.courseNames);
    if (course.length) {
      lines.push("names:");
      course.forEach(function (canonical) { lines.push("  " + yamlString(model.courseNames[canonical]) + ": " + yamlString(canonical)); });
    }
    return lines.join("\n") + "\n";
  }
  function download() {
    var text = yaml(), link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], {type: "application/yaml"}));
    link.download = (view.stem || "spec") + ".yaml";
    root.appendChild(link);
    link.click();
    link.remove();
    status("downloaded the values shown as " + link.download);
  }
  function on(name, handler) { var el = role(name); if (el) el.addEventListener("click", handler); }
  on("skip", function () { var first = root.querySelector("input[data-edit]"); if (first) first.focus(); });
  on("step", step);
  on("reset", reset);
  on("download", download);
  if (live && !network && !model.text && role("download")) role("download").hidden = true;  // no text to save
  root.backpropYaml = yaml;  // for scripts and tests: the YAML Download saves

  /* ---------- step-through: the forward pass, then the backward pass, one node at a time ---------- */
  var events = [], position = 0, timer = null;
  function buildEvents() {
    var list = [], n = model.names, pretty = E.pretty;
    if (network) {
      var depth = model.layers.length;
      n.post[0].forEach(function (x, k) { list.push({id: "n-0-" + k, phase: "forward", text: x + " = " + show(result.a[0][0][k])}); });
      for (var l = 1; l <= depth; l++) n.pre[l].forEach(function (z, j) {
        list.push({id: "n-" + l + "-" + j, phase: "forward", text: pretty(z) + " = " + show(result.z[l][0][j]) + ", " +
          pretty(n.post[l][j]) + " = " + show(result.a[l][0][j])});
      });
      list.push({id: "n-loss", phase: "forward", text: n.loss + " = " + show(result.loss)});
      list.push({id: "n-loss", phase: "backward", text: "∂" + n.loss + "/∂" + n.loss + " = 1"});
      for (l = depth; l >= 1; l--) n.pre[l].forEach(function (z, j) {
        list.push({id: "n-" + l + "-" + j, phase: "backward", text: "δ = ∂" + n.loss + "/∂" + pretty(z) + " = " + show(result.deltas[l][0][j])});
      });
      n.post[0].forEach(function (x, k) { list.push({id: "n-0-" + k, phase: "backward", text: "∂" + n.loss + "/∂" + x + " = " + show(result.inputGradient[0][k])}); });
    } else {
      var out = model.names.loss;
      model.nodes.forEach(function (node, i) {
        if (node.constant === null) list.push({id: "n-" + i, phase: "forward", text: (node.op ? node.step : node.name) + " = " + show(result.values[i])});
      });
      for (var i = model.nodes.length - 1; i >= 0; i--) {
        var node = model.nodes[i];
        if (node.constant === null) list.push({id: "n-" + i, phase: "backward", text: "∂" + out + "/∂" + node.name + " = " + show(result.derivatives[i])});
      }
    }
    return list;
  }
  function clearLit() { root.querySelectorAll(".lit-forward, .lit-backward, .lit-now").forEach(function (el) { el.classList.remove("lit-forward", "lit-backward", "lit-now"); }); }
  function advance() {
    if (position === 0) { events = buildEvents(); clearLit(); }
    if (position >= events.length) { pause(); role("walk-status").textContent = "done: the forward and the backward pass"; return false; }
    var e = events[position];
    root.querySelectorAll(".lit-now").forEach(function (el) { el.classList.remove("lit-now"); });
    var el = byId(e.id);
    if (el) { el.classList.add("lit-" + e.phase, "lit-now"); }
    position += 1;
    role("walk-status").textContent = (e.phase === "forward" ? "forward " : "backward ") + position + "/" + events.length + ": " + e.text;
    return true;
  }
  function speed() { return Number(role("speed").value) || 700; }
  function play() {
    if (timer) return;
    if (position >= events.length && position > 0) position = 0;
    role("play").setAttribute("aria-pressed", "true");
    role("play").textContent = "Pause";
    var tick = function () { if (advance()) timer = setTimeout(tick, speed()); };
    tick();
  }
  function pause() {
    if (timer) clearTimeout(timer);
    timer = null;
    role("play").setAttribute("aria-pressed", "false");
    role("play").textContent = "Play";
  }
  on("play", function () { if (timer) pause(); else play(); });
  on("next", function () { pause(); advance(); });
  on("rewind", function () { pause(); position = 0; clearLit(); role("walk-status").textContent = "at the start"; });
  root.addEventListener("keydown", function (event) {  // shortcuts while the step-through has focus
    if (!event.target.closest("[data-role=walk]")) return;
    if (event.key === "ArrowRight") { event.preventDefault(); pause(); advance(); }
  });

  if (live) { refreshEditors(); recompute(); }  // every field as the page writes numbers (Reset, Step alike)
  view.ready = true;
  root.setAttribute("data-ready", "true");
})();
