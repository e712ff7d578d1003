/* backprop explore: the page's engine. It recomputes, from the values shown, what `backprop trace`
   prints: the forward pass, the loss, every δ, each parameter's paths (the k largest |product|, as
   core/paths.py and core/graph.py find them), the gradients with their cancellations made exactly 0
   (core/cancel.py's rule), the derivation text (report/derivation.py) and the update, every number
   formatted as Python's "%.{precision}g". Python's engine is the oracle the browser tests compare with. */
var BackpropEngine = (function () {
  "use strict";
  var RELATIVE = 1e-12;

  /* Python's f"{x:.{p}g}" with a negative zero written 0 (core/numbers.py): correctly rounded, ties
     to even on the exact binary value, exponent of at least two digits. */
  function num(x, p) {
    p = Math.max(1, p);
    if (x !== x) return "nan";
    if (x === Infinity) return "inf";
    if (x === -Infinity) return "-inf";
    if (x === 0) return "0";
    var neg = x < 0, s = Math.abs(x).toExponential(100), at = s.indexOf("e");
    var digits = s[0] + s.slice(2, at), exp = parseInt(s.slice(at + 1), 10);
    var head = digits.slice(0, p).split("").map(Number), rest = digits.slice(p);
    var up = rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || head[p - 1] % 2 === 1));
    if (up) {
      var i = p - 1;
      while (i >= 0 && head[i] === 9) { head[i] = 0; i--; }
      if (i < 0) { head.unshift(1); head.pop(); exp += 1; } else head[i] += 1;
    }
    var text, h = head.join("");
    if (exp >= -4 && exp < p) {
      var whole, frac;
      if (exp >= 0) { whole = h.slice(0, exp + 1); frac = h.slice(exp + 1); }
      else { whole = "0"; frac = "0".repeat(-exp - 1) + h; }
      frac = frac.replace(/0+$/, "");
      text = whole + (frac ? "." + frac : "");
    } else {
      var mant = h.slice(1).replace(/0+$/, "");
      var e = Math.abs(exp);
      text = h[0] + (mant ? "." + mant : "") + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }
    return neg ? "-" + text : text;
  }

  /* report/derivation.py's count_text: exact below a million, else two significant digits. */
  function countText(n) {
    n = BigInt(n);
    if (n < 1000000n) return n.toString();
    var s = n.toString(), exponent = s.length - 1;
    var scale = 10n ** BigInt(exponent - 1), tenths = (n + scale / 2n) / scale;
    if (tenths >= 100n) { exponent += 1; tenths = tenths / 10n; }
    return ((tenths / 10n) + "." + (tenths % 10n) + "e" + exponent).replace(".0e", "e");
  }

  var WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;
  var MARK = /\p{Mn}|\p{Me}/u;
  function cells(text) {
    var n = 0;
    for (var ch of text) n += MARK.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
    return n;
  }
  function pretty(name) { return name.split("yhat").join("ŷ"); }
  function pad(text, width, right) {
    var gap = " ".repeat(Math.max(0, width - cells(text)));
    return right ? gap + text : text + gap;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  /* |x| rounded to 40 bits of mantissa, as core/paths.py magnitudes() ranks paths: products equal
     but for rounding rank alike and keep their order, in numpy and here alike */
  var BITS = new DataView(new ArrayBuffer(8));
  function magnitude(x) {
    var size = Math.abs(x);
    if (!isFinite(size)) return size;
    BITS.setFloat64(0, size);
    var hi = BITS.getUint32(0), lo = BITS.getUint32(4) + 2048;
    if (lo >= 4294967296) { lo -= 4294967296; hi += 1; }
    BITS.setUint32(0, hi);
    BITS.setUint32(4, (lo & ~4095) >>> 0);
    return BITS.getFloat64(0);
  }
  function stableSortByMagnitude(list, key) {
    return list.map(function (item, i) { return [item, i, magnitude(key(item))]; })
      .sort(function (x, y) { return y[2] - x[2] || x[1] - y[1]; })
      .map(function (pair) { return pair[0]; });
  }

  /* ---------- activations and losses (core/functions.py) ---------- */
  function activate(layer, z) {
    var name = layer.act, n = z.length, out = new Array(n), i;
    if (name === "softmax") {
      var top = Math.max.apply(null, z), sum = 0, e = z.map(function (v) { return Math.exp(v - top); });
      for (i = 0; i < n; i++) sum += e[i];
      for (i = 0; i < n; i++) out[i] = e[i] / sum;
      return out;
    }
    for (i = 0; i < n; i++) {
      var v = z[i];
      if (name === "sigmoid") { var ex = Math.exp(-Math.abs(v)); out[i] = (v >= 0 ? 1 : ex) / (1 + ex); }
      else if (name === "tanh") out[i] = Math.tanh(v);
      else if (name === "relu") out[i] = v > 0 ? v : 0;
      else if (name === "leaky_relu") out[i] = v > 0 ? v : layer.alpha * v;
      else out[i] = v;
    }
    return out;
  }
  function derivative(layer, z, a) {
    var name = layer.act;
    return z.map(function (v, i) {
      if (name === "sigmoid") return a[i] * (1 - a[i]);
      if (name === "tanh") return 1 - a[i] * a[i];
      if (name === "relu") return v > 0 ? 1 : 0;
      if (name === "leaky_relu") return v > 0 ? 1 : layer.alpha;
      return 1;
    });
  }
  /* ∂ai/∂zm: a vector when elementwise, the matrix [i][m] for softmax (its diagonal summed without
     subtracting, as core/functions.py does) */
  function jacobian(layer, z, a) {
    if (layer.act !== "softmax") return derivative(layer, z, a);
    var n = a.length, J = [], before = [], after = new Array(n), i, m, run = 0;
    for (i = 0; i < n; i++) { before.push(run); run += a[i]; }
    run = 0;
    for (i = n - 1; i >= 0; i--) { after[i] = run; run += a[i]; }
    for (i = 0; i < n; i++) {
      J.push([]);
      for (m = 0; m < n; m++) J[i].push(i === m ? a[i] * (before[i] + after[i]) : -(a[i] * a[m]));
    }
    return J;
  }
  function local(J, i, m) { return Array.isArray(J[0]) ? J[i][m] : J[i]; }
  function log1p(x) { return Math.log1p(x); }
  function softplus(v) { return Math.max(v, 0) + log1p(Math.exp(-Math.abs(v))); }

  function lossGradient(loss, yh, y) {
    var n = yh.length;
    return yh.map(function (v, j) {
      if (loss === "squared_error") return 2 * (v - y[j]);
      if (loss === "half_squared_error") return v - y[j];
      if (loss === "mse") return 2 * (v - y[j]) / n;
      if (loss === "cross_entropy") return y[j] !== 0 ? -(y[j] / v) : 0;
      if (loss === "binary_cross_entropy") return (v - y[j]) / (v * (1 - v));
      return y[j];  // none: ∂f/∂ŷj = gj
    });
  }
  function lossValue(loss, yh, y) {
    var s = 0, j, n = yh.length, d;
    for (j = 0; j < n; j++) {
      if (loss === "squared_error" || loss === "half_squared_error" || loss === "mse") { d = yh[j] - y[j]; s += d * d; }
      else if (loss === "cross_entropy") s += y[j] !== 0 ? y[j] * Math.log(yh[j]) : 0;
      else if (loss === "binary_cross_entropy") s += (y[j] !== 0 ? y[j] * Math.log(yh[j]) : 0) +
        (y[j] !== 1 ? (1 - y[j]) * log1p(-yh[j]) : 0);
      else s += yh[j] * y[j];
    }
    if (loss === "half_squared_error") return 0.5 * s;
    if (loss === "mse") return s / n;
    if (loss === "cross_entropy" || loss === "binary_cross_entropy") return -s;
    return s;
  }
  /* the paths not shown: the gradient less those shown, 0 when that is rounding alone (core/paths.py) */
  function omittedSum(gradient, paths) {
    var t = 0, big = Math.abs(gradient);
    paths.forEach(function (x) { t += x.product; big = Math.max(big, Math.abs(x.product)); });
    return snapped(gradient - t, big);
  }
  function snapped(total, largest) { return Math.abs(total) <= RELATIVE * largest ? 0 : total; }

  /* ---------- a dense network: forward, backward (core/engine.py) ---------- */
  function runNetwork(m) {
    var layers = m.layers, depth = layers.length, S = m.inputs.length, s, l, j, k, i;
    var z = [null], a = [m.inputs.map(function (row) { return row.slice(); })];
    for (l = 1; l <= depth; l++) {
      var L = layers[l - 1], zl = [], al = [];
      for (s = 0; s < S; s++) {
        var pre = L.weights.map(function (row, jj) {
          var t = 0;
          for (k = 0; k < row.length; k++) t += a[l - 1][s][k] * row[k];
          return t + L.biases[jj];
        });
        zl.push(pre); al.push(activate(L, pre));
      }
      z.push(zl); a.push(al);
    }
    var out = layers[depth - 1], Y = m.targets, perSample = [], gradA = [], deltas = [];
    for (i = 0; i <= depth; i++) { gradA.push(null); deltas.push(null); }
    gradA[depth] = []; deltas[depth] = [];
    for (s = 0; s < S; s++) {
      var yh = a[depth][s], y = Y[s], zs = z[depth][s], g = lossGradient(m.loss, yh, y), d;
      gradA[depth].push(g);
      if (out.act === "softmax" && m.loss === "cross_entropy") {
        var top = Math.max.apply(null, zs), shifted = zs.map(function (v) { return v - top; }), se = 0, sy = 0;
        shifted.forEach(function (v) { se += Math.exp(v); });
        var lse = Math.log(se), ce = 0;
        for (j = 0; j < y.length; j++) { ce += y[j] !== 0 ? y[j] * (shifted[j] - lse) : 0; sy += y[j]; }
        perSample.push(-ce);
        d = yh.map(function (v, jj) { return v * sy - y[jj]; });
        d = d.map(function (v, jj) { return Math.abs(v) <= RELATIVE * Math.max(Math.abs(yh[jj] * sy), Math.abs(y[jj])) ? 0 : v; });
      } else if (out.act === "sigmoid" && m.loss === "binary_cross_entropy") {
        var b = 0;
        for (j = 0; j < y.length; j++) b += y[j] * softplus(-zs[j]) + (1 - y[j]) * softplus(zs[j]);
        perSample.push(b);
        d = yh.map(function (v, jj) { return v - y[jj]; });
      } else {
        perSample.push(lossValue(m.loss, yh, y));
        d = backwardActivation(out, zs, yh, g);
      }
      deltas[depth].push(d);
    }
    var scale = m.reduction === "mean" ? 1 / S : 1;
    var wg = [null], bg = [null];
    for (l = 1; l <= depth; l++) { wg.push(null); bg.push(null); }
    for (l = depth; l >= 1; l--) {
      var W = layers[l - 1].weights, rows = W.length, cols = a[l - 1][0].length;
      wg[l] = []; bg[l] = [];
      for (j = 0; j < rows; j++) {
        var wrow = [];
        for (k = 0; k < cols; k++) {
          var t = 0, big = 0;
          for (s = 0; s < S; s++) { var term = deltas[l][s][j] * a[l - 1][s][k]; t += term; big = Math.max(big, Math.abs(term)); }
          if (S > 1) t = snapped(t, big);
          wrow.push(scale !== 1 ? t * scale : t);
        }
        wg[l].push(wrow);
        var bt = 0, bbig = 0;
        for (s = 0; s < S; s++) { bt += deltas[l][s][j]; bbig = Math.max(bbig, Math.abs(deltas[l][s][j])); }
        if (S > 1) bt = snapped(bt, bbig);
        bg[l].push(scale !== 1 ? bt * scale : bt);
      }
      if (l > 1) {
        gradA[l - 1] = []; deltas[l - 1] = [];
        for (s = 0; s < S; s++) {
          var ga = [];
          for (k = 0; k < cols; k++) {
            var u = 0, ubig = 0;
            for (j = 0; j < rows; j++) { var uterm = deltas[l][s][j] * W[j][k]; u += uterm; ubig = Math.max(ubig, Math.abs(uterm)); }
            ga.push(snapped(u, ubig));
          }
          gradA[l - 1].push(ga);
          deltas[l - 1].push(backwardActivation(layers[l - 2], z[l - 1][s], a[l - 1][s], ga));
        }
      }
    }
    var lossTotal = 0;
    perSample.forEach(function (v) { lossTotal += v; });
    var r = {model: m, z: z, a: a, gradA: gradA, deltas: deltas, wg: wg, bg: bg, scale: scale, samples: S,
      perSampleLoss: perSample, loss: lossTotal * scale};
    r.inputGradient = inputGradient(r);
    r.finite = [r.loss].concat(flat(wg), flat(bg)).every(isFinite);
    return r;
  }
  function flat(list) {
    var out = [];
    (function walk(x) { if (Array.isArray(x)) x.forEach(walk); else if (x !== null) out.push(x); })(list);
    return out;
  }
  function backwardActivation(layer, z, a, g) {
    if (layer.act !== "softmax") {
      var d = derivative(layer, z, a);
      return g.map(function (v, i) { return v * d[i]; });
    }
    var dot = 0, i, n = a.length;
    for (i = 0; i < n; i++) dot += g[i] * a[i];
    var delta = a.map(function (v, m) { return v * (g[m] - dot); });
    var gmax = 0;
    g.forEach(function (v) { gmax = Math.max(gmax, Math.abs(v)); });
    var sum = 0;
    a.forEach(function (v) { sum += v; });
    return delta.map(function (v, m) {  // core/cancel.py's snap_softmax
      if (v === 0 || Math.abs(v) > RELATIVE * 2 * a[m] * gmax) return v;
      var others = 0;
      for (i = 0; i < n; i++) others = Math.max(others, i === m ? Math.abs(g[m]) * a[m] * (sum - a[m]) : Math.abs(g[i]) * a[i] * a[m]);
      return Math.abs(v) <= RELATIVE * others ? 0 : v;
    });
  }
  function inputGradient(r) {
    var W = r.model.layers[0].weights;
    return r.deltas[1].map(function (d) {
      return W[0].map(function (_, k) {
        var u = 0, big = 0;
        for (var j = 0; j < W.length; j++) { var t = d[j] * W[j][k]; u += t; big = Math.max(big, Math.abs(t)); }
        return snapped(u, big);
      });
    });
  }

  /* which ∂L/∂z have some path with a product other than 0 (core/cancel.py nonzero_paths) */
  function reach(r) {
    if (r.reach) return r.reach;
    var layers = r.model.layers, depth = layers.length, intoA = [], intoZ = [], l, s;
    intoA[depth] = r.gradA[depth].map(function (g) { return g.map(function (v) { return v !== 0; }); });
    for (l = depth; l >= 1; l--) {
      var L = layers[l - 1];
      intoZ[l] = [];
      for (s = 0; s < r.samples; s++) {
        var J = jacobian(L, r.z[l][s], r.a[l][s]), into = intoA[l][s];
        if (!Array.isArray(J[0])) intoZ[l].push(into.map(function (v, i) { return v && J[i] !== 0; }));
        else intoZ[l].push(J.map(function (_, m) { return J.some(function (row, i) { return row[m] !== 0 && into[i]; }); }));
      }
      intoA[l - 1] = intoZ[l].map(function (iz) {
        return L.weights[0].map(function (_, k) { return L.weights.some(function (row, j) { return iz[j] && row[k] !== 0; }); });
      });
    }
    r.reach = intoZ;
    return intoZ;
  }

  function parameterGradient(r, p) {
    if (p.kind === "w") return r.wg[p.layer][p.j - 1][p.k - 1];
    if (p.j === null) {
      var t = 0, big = 0;
      r.bg[p.layer].forEach(function (v) { t += v; big = Math.max(big, Math.abs(v)); });
      return snapped(t, big);
    }
    return r.bg[p.layer][p.j - 1];
  }
  function parameterValue(m, p) {
    var L = m.layers[p.layer - 1];
    return p.kind === "w" ? L.weights[p.j - 1][p.k - 1] : L.biases[(p.j || 1) - 1];
  }
  function perSampleGradient(r, p) {
    var out = [];
    for (var s = 0; s < r.samples; s++) {
      var d = r.deltas[p.layer][s];
      if (p.kind === "w") out.push(d[p.j - 1] * r.a[p.layer - 1][s][p.k - 1]);
      else if (p.j === null) {  // a shared bias: the sample's sum over the layer, zero up to rounding 0
        var t = 0, big = 0;
        d.forEach(function (v) { t += v; big = Math.max(big, Math.abs(v)); });
        out.push(snapped(t, big));
      }
      else out.push(d[p.j - 1]);
    }
    return out;
  }
  function cancelled(r, p, gradient) {
    if (gradient !== 0) return false;
    var intoZ = reach(r)[p.layer];
    for (var s = 0; s < r.samples; s++) {
      if (p.kind === "w" && r.a[p.layer - 1][s][p.k - 1] === 0) continue;
      for (var j = 0; j < intoZ[s].length; j++) if ((p.j === null || j === p.j - 1) && intoZ[s][j]) return true;
    }
    return false;
  }
  function countPaths(sizes, softmax, layer, neuron) {
    var depth = sizes.length - 1, toA = new Array(sizes[depth]).fill(1n), p, toZ;
    for (p = depth; p >= layer; p--) {
      var sumA = toA.reduce(function (x, y) { return x + y; }, 0n);
      toZ = softmax[p] ? new Array(sizes[p]).fill(sumA) : toA.slice();
      if (p === layer) return toZ[neuron - 1];
      var sumZ = toZ.reduce(function (x, y) { return x + y; }, 0n);
      toA = new Array(sizes[p - 1]).fill(sumZ);
    }
    return 0n;
  }

  /* the k best partial paths into each `to` node from the lists of the `from` nodes (index order
     from·k + rank breaks ties, as numpy's stable sort does) */
  function kBestStep(lists, edge, nTo, k) {
    var out = [];
    for (var t = 0; t < nTo; t++) {
      var cand = [];
      for (var f = 0; f < lists.length; f++) {
        var e = edge(t, f);
        lists[f].forEach(function (entry) { cand.push({p: e * entry.p, node: t, prev: entry}); });
      }
      out.push(stableSortByMagnitude(cand, function (c) { return c.p; }).slice(0, k));
    }
    return out;
  }
  function bestPaths(r, layer, neuron, k, s, jac) {
    var m = r.model, depth = m.layers.length, g = r.gradA[depth][s];
    var lists = g.map(function (v, i) { return [{p: v, node: i, prev: null}]; });
    for (var p = depth; p >= layer; p--) {
      var J = jac[p];
      if (!Array.isArray(J[0])) {
        lists = lists.map(function (list, i) { return list.map(function (e) { return {p: e.p * J[i], node: i, prev: e}; }); });
      } else {
        lists = kBestStep(lists, function (to, from) { return J[from][to]; }, J.length, k);
      }
      if (p === layer) break;
      var W = m.layers[p - 1].weights;
      lists = kBestStep(lists, function (to, from) { return W[from][to]; }, W[0].length, k);
    }
    return lists[neuron - 1].map(function (entry) {
      var chain = [];
      for (var e = entry; e; e = e.prev) chain.push(e.node);
      chain.reverse();
      return {acts: chain.filter(function (_, i) { return i % 2 === 0; }), pres: chain.filter(function (_, i) { return i % 2 === 1; })};
    });
  }
  function describe(r, names, param, kind, layer, j, k, acts, pres, s, batch, jac) {
    var m = r.model, depth = m.layers.length, suffix = batch ? "[" + (s + 1) + "]" : "", loss = names.loss;
    var pre = function (l, n) { return names.pre[l][n - 1] + suffix; };
    var post = function (l, n) { return names.post[l][n - 1] + suffix; };
    var nodes = [loss], factors = [];
    if (batch) {
      nodes.push(loss + "[" + (s + 1) + "]");
      factors.push({symbol: "∂" + loss + "/∂" + loss + "[" + (s + 1) + "]", formula: r.scale !== 1 ? "1/n" : "1", value: r.scale});
    }
    acts.forEach(function (i, level) {
      if (level >= pres.length) return;
      var mm = pres[level], p = depth - level, aName = post(p, i + 1), zName = pre(p, mm + 1);
      if (level === 0) {
        var y = names.target[i] + suffix;
        factors.push({symbol: "∂" + loss + suffix + "/∂" + aName,
          formula: fill(m.lossFormula, {yhat: aName, y: y, n: String(m.sizes[depth])}), value: r.gradA[depth][s][i]});
      } else {
        factors.push({symbol: "∂" + pre(p + 1, pres[level - 1] + 1) + "/∂" + aName,
          formula: names.w[p + 1][pres[level - 1]][i], value: m.layers[p].weights[pres[level - 1]][i]});
      }
      nodes.push(aName);
      var L = m.layers[p - 1];
      var formula = i === mm ? fill(L.derivativeFormula, {z: zName, a: aName}) : fill(L.crossFormula, {ai: aName, am: post(p, mm + 1)});
      factors.push({symbol: "∂" + aName + "/∂" + zName, formula: formula, value: local(jac[p], i, mm)});
      nodes.push(zName);
    });
    if (kind === "w") {
      factors.push({symbol: "∂" + pre(layer, j) + "/∂" + param, formula: post(layer - 1, k), value: r.a[layer - 1][s][k - 1]});
    } else {
      factors.push({symbol: "∂" + pre(layer, j) + "/∂" + param, formula: "1", value: 1});
    }
    nodes.push(param);
    var product = 1;
    factors.forEach(function (f) { product *= f.value; });
    return {nodes: nodes, factors: factors, product: product, sample: batch ? s + 1 : null};
  }
  function traceParameter(r, p) {
    var m = r.model, names = m.names, batch = r.samples > 1, sizes = m.sizes;
    var neurons = [];
    if (p.j === null) for (var n = 1; n <= sizes[p.layer]; n++) neurons.push(n); else neurons.push(p.j);
    var perCount = 0n;
    neurons.forEach(function (nn) { perCount += countPaths(sizes, m.softmax, p.layer, nn); });
    var candidates = [];
    for (var s = 0; s < r.samples; s++) {
      var jac = [null];
      for (var l = 1; l <= m.layers.length; l++) jac.push(jacobian(m.layers[l - 1], r.z[l][s], r.a[l][s]));
      neurons.forEach(function (nn) {
        bestPaths(r, p.layer, nn, Math.max(m.maxPaths, 1), s, jac).forEach(function (found) {
          candidates.push(describe(r, names, p.name, p.kind, p.layer, nn, p.k, found.acts, found.pres, s, batch, jac));
        });
      });
    }
    var shown = stableSortByMagnitude(candidates, function (c) { return c.product; }).slice(0, m.maxPaths);
    var gradient = parameterGradient(r, p), total = perCount * BigInt(r.samples), value = parameterValue(m, p);
    var omitted = 0;
    if (BigInt(shown.length) !== total) omitted = omittedSum(gradient, shown);
    var frozen = !!m.frozen[p.canonical];
    return {name: p.name, value: value, gradient: gradient, updated: frozen ? value : value - m.lr * gradient,
      learningRate: m.lr, pathCount: total, paths: shown, omitted: omitted, frozen: frozen, node: false,
      perSample: batch ? perSampleGradient(r, p) : [], cancelled: cancelled(r, p, gradient)};
  }

  /* ---------- an expression (core/graph.py, core/operations.py) ---------- */
  var DOMAIN = {div: "division by 0", log: "log needs a positive number", sqrt: "sqrt needs a number ≥ 0",
    pow: "a negative number to a fractional power, or 0 to a negative one, is not a real number"};
  function operate(op, a, b) {
    switch (op) {
      case "add": return a + b;
      case "sub": return a - b;
      case "mul": return a * b;
      case "div": if (b === 0) throw new Error(DOMAIN.div); return a / b;
      case "pow":
        if ((a < 0 && b !== Math.floor(b)) || (a === 0 && b < 0)) throw new Error(DOMAIN.pow);
        return Math.pow(a, b);
      case "neg": return -a;
      case "exp": return Math.exp(a);
      case "log": if (!(a > 0)) throw new Error(DOMAIN.log); return Math.log(a);
      case "sqrt": if (a < 0) throw new Error(DOMAIN.sqrt); return Math.sqrt(a);
      case "sin": return Math.sin(a);
      case "cos": return Math.cos(a);
      case "tan": return Math.tan(a);
      case "tanh": return Math.tanh(a);
      case "sigmoid": return activate({act: "sigmoid"}, [a])[0];
      case "relu": return a > 0 ? a : 0;
      case "abs": return Math.abs(a);
      case "max": return a >= b ? a : b;
      case "min": return a <= b ? a : b;
      default: return a;  // same
    }
  }
  function partial(op, slot, a, b, out) {
    switch (op) {
      case "add": return 1;
      case "sub": return slot ? -1 : 1;
      case "mul": return slot ? a : b;
      case "div": return slot ? -a / (b * b) : 1 / b;
      case "pow":
        if (!slot) return b !== 0 ? b * Math.pow(a, b - 1) : 0;
        if (a > 0) return out * Math.log(a);
        if (a === 0 && b > 0) return 0;
        throw new Error("a power whose exponent varies needs a positive base (∂(a^b)/∂b = a^b·log a)");
      case "neg": return -1;
      case "exp": return out;
      case "log": return 1 / a;
      case "sqrt": if (out === 0) throw new Error("the derivative of sqrt at 0, 1/(2·√0), is infinite"); return 0.5 / out;
      case "sin": return Math.cos(a);
      case "cos": return -Math.sin(a);
      case "tan": return 1 + out * out;
      case "tanh": return 1 - out * out;
      case "sigmoid": return out * (1 - out);
      case "relu": return a > 0 ? 1 : 0;
      case "abs": return a > 0 ? 1 : a < 0 ? -1 : 0;
      case "max": return a === b ? 0.5 : ((a > b) === !slot ? 1 : 0);
      case "min": return a === b ? 0.5 : ((a < b) === !slot ? 1 : 0);
      default: return 1;
    }
  }
  function runExpression(m) {
    var nodes = m.nodes, values = [], i;
    for (i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node.constant !== null) values.push(node.constant);
      else if (!node.op) values.push(m.at[node.name]);
      else {
        var args = node.operands.map(function (j) { return values[j]; }), v;
        try { v = operate(node.op, args[0], args[1]); }
        catch (error) { return {error: node.step + " at " + where(m, node, args) + ": " + error.message}; }
        if (!isFinite(v)) return {error: node.step + " at " + where(m, node, args) + ": " + (v !== v ? DOMAIN[node.op] || "not a number" : "the result overflows float64 (beyond 1.8e308)")};
        values.push(v);
      }
    }
    var edges = [];
    for (var e = 0; e < m.edges.length; e++) {
      var edge = m.edges[e], user = nodes[edge.user], a = user.operands.map(function (j) { return values[j]; }), value;
      try { value = partial(user.op, edge.slot, a[0], a[1], values[edge.user]); }
      catch (error) { return {error: user.step + " at " + where(m, user, a) + ": " + error.message}; }
      if (!isFinite(value)) return {error: user.step + " at " + where(m, user, a) + ": its derivative overflows float64"};
      edges.push(value);
    }
    var n = nodes.length, adjoint = new Array(n).fill(0), term = new Array(n).fill(0), path = new Array(n).fill(0);
    var done = new Array(n).fill(false), out = n - 1;
    adjoint[out] = path[out] = 1; done[out] = true;
    function settle(k) {
      if (!done[k]) {
        if (isFinite(adjoint[k]) && Math.abs(adjoint[k]) <= RELATIVE * term[k]) adjoint[k] = 0;
        done[k] = true;
      }
    }
    for (e = m.edges.length - 1; e >= 0; e--) {
      var ed = m.edges[e];
      settle(ed.user);
      var c = adjoint[ed.user] * edges[e];
      adjoint[ed.operand] += c;
      term[ed.operand] = Math.max(term[ed.operand], Math.abs(c));
      path[ed.operand] = Math.max(path[ed.operand], path[ed.user] * Math.abs(edges[e]));
    }
    for (i = 0; i < n; i++) settle(i);
    return {model: m, values: values, edgeValues: edges, derivatives: adjoint,
      cancelledNodes: adjoint.map(function (v, k) { return v === 0 && path[k] > 0; }), loss: values[out],
      finite: adjoint.every(isFinite)};
  }
  function where(m, node, args) {
    return node.operands.map(function (j, i) { return m.nodes[j].constant === null ? m.nodes[j].shown + " = " + num(args[i], 6) : null; })
      .filter(function (x) { return x !== null; }).join(", ");
  }
  function traceExpression(r, name) {
    var m = r.model, nodes = m.nodes, target = m.index[name], k = Math.max(m.maxPaths, 1), i;
    var reaches = nodes.map(function () { return false; });
    reaches[target] = true;
    for (i = 0; i < nodes.length; i++) reaches[i] = reaches[i] || nodes[i].operands.some(function (j) { return reaches[j]; });
    var counts = nodes.map(function () { return 0n; });
    counts[nodes.length - 1] = 1n;
    for (i = m.edges.length - 1; i >= 0; i--) counts[m.edges[i].operand] += counts[m.edges[i].user];
    var best = {}, final = {};
    best[nodes.length - 1] = [{p: 1, position: -1, prev: null}];
    function finish(node) {
      if (!final[node]) { best[node] = stableSortByMagnitude(best[node], function (x) { return x.p; }).slice(0, k); final[node] = true; }
    }
    for (i = m.edges.length - 1; i >= 0; i--) {
      var edge = m.edges[i];
      if (!reaches[edge.operand] || !(edge.user in best)) continue;
      finish(edge.user);
      var merged = best[edge.operand] || (best[edge.operand] = []);
      best[edge.user].forEach(function (entry) { merged.push({p: entry.p * r.edgeValues[i], position: i, prev: entry}); });
    }
    if (target in best) finish(target);
    var paths = (best[target] || []).slice(0, m.maxPaths).map(function (entry) {
      var factors = [], names = [];
      for (var e = entry; e && e.position >= 0; e = e.prev) {
        var ed = m.edges[e.position];
        factors.push({symbol: ed.symbol, formula: ed.formula, value: r.edgeValues[e.position]});
        names.push(nodes[ed.operand].name);
      }
      return {nodes: [nodes[nodes.length - 1].name].concat(names.reverse()), factors: factors.reverse(), product: entry.p, sample: null};
    });
    var gradient = r.derivatives[target], total = counts[target], omitted = 0;
    if (BigInt(paths.length) !== total) omitted = omittedSum(gradient, paths);
    return {name: name, value: r.values[target], gradient: gradient, updated: r.values[target], learningRate: 0,
      pathCount: total, paths: paths, omitted: omitted, frozen: false, node: true, perSample: [],
      cancelled: r.cancelledNodes[target]};
  }

  /* ---------- the derivation as text (report/derivation.py) ---------- */
  var CANCELLED = "exactly 0: the paths cancel (what the arithmetic left was rounding)";
  function grouped(paths) {
    var kept = [], groups = [], byKey = {};
    paths.forEach(function (path) {
      var zero = null;
      if (path.product === 0) zero = path.factors.find(function (f) { return f.value === 0; }) || null;
      if (!zero) { kept.push(path); return; }
      var key = zero.symbol.split("[")[0] + "\u0000" + zero.formula;
      if (!(key in byKey)) { byKey[key] = {factor: zero, count: 0}; groups.push(byKey[key]); }
      byKey[key].count += 1;
    });
    return [kept, groups];
  }
  function derivationText(p, precision, symbol) {
    var show = function (v) { return num(v, precision); };
    var count = countText(p.pathCount) + " path" + (p.pathCount === 1n ? "" : "s");
    var lines = ["∂" + symbol + "/∂" + pretty(p.name) + "   " + count];
    if (p.node) lines.push("  " + pretty(p.name) + " = " + show(p.value));
    var g = grouped(p.paths), paths = g[0], zeros = g[1];
    var rows = paths.map(function (path) {
      return path.factors.map(function (f) { return [pretty(f.symbol), pretty(f.formula), show(f.value)]; });
    });
    var every = [].concat.apply([], rows), widths = [0, 1, 2].map(function (i) {
      return every.reduce(function (w, c) { return Math.max(w, cells(c[i])); }, 0);
    });
    widths[0] = Math.max(widths[0], "product".length);
    paths.forEach(function (path) { widths[2] = Math.max(widths[2], show(path.product).length); });
    paths.forEach(function (path, n) {
      var where = path.sample ? " (sample " + path.sample + ")" : "";
      lines.push("  path " + (n + 1) + where + "  " + path.nodes.map(pretty).join(" → "));
      rows[n].forEach(function (c) {
        lines.push("     " + pad(c[0], widths[0]) + " = " + pad(c[1], widths[1]) + " = " + pad(c[2], widths[2], true));
      });
      lines.push("     " + pad("product", widths[0]) + "   " + " ".repeat(widths[1]) + " = " + pad(show(path.product), widths[2], true));
    });
    zeros.forEach(function (group) {
      var f = group.factor, more = paths.length ? " more" : "";
      lines.push("  " + countText(group.count) + more + " path" + (group.count !== 1 ? "s" : "") + " with product 0: " +
        (group.count !== 1 ? "each passes" : "it passes") + " through " + pretty(f.symbol) + " = " + pretty(f.formula) + " = 0");
    });
    if (BigInt(p.paths.length) < p.pathCount) {
      var more = p.pathCount - BigInt(p.paths.length);
      lines.push("  … and " + countText(more) + " more path" + (more !== 1n ? "s" : "") + ", summing to " + show(p.omitted));
    }
    if (p.perSample.length) {
      lines.push("  per sample: " + p.perSample.map(function (v, i) { return "[" + (i + 1) + "] " + show(v); }).join(", "));
    }
    var total = p.perSample.length ? "sum of all paths (over the samples, with 1/n)" : "sum of all paths";
    lines.push("  " + total + " = ∂" + symbol + "/∂" + pretty(p.name) + " = " + show(p.gradient));
    if (p.cancelled) lines.push("  " + CANCELLED);
    if (p.node) return lines.join("\n");
    if (p.frozen) {
      lines.push("  update  " + pretty(p.name) + " is frozen (the spec's `frozen:`): it stays " + show(p.value));
      return lines.join("\n");
    }
    lines.push("  update  " + p.name + " ← " + p.name + " − η·∂" + symbol + "/∂" + p.name + " = " + show(p.value) +
      " − " + show(p.learningRate) + " × (" + show(p.gradient) + ") = " + show(p.updated));
    return lines.join("\n");
  }

  /* the forward and backward pass from the model's values ({error} where they cannot be computed) */
  function compute(m) {
    if (m.kind === "expression") return runExpression(m);
    var r = runNetwork(m);
    return r.finite ? r : {error: "a value is not finite (it overflowed): change it back"};
  }
  /* one traced quantity's paths, gradient and update (undefined when it is not traced) */
  function trace(r, name) {
    var m = r.model;
    if (m.kind === "expression") return m.traced.indexOf(name) >= 0 ? traceExpression(r, name) : undefined;
    var p = m.traced.find(function (q) { return q.name === name; });
    return p ? traceParameter(r, p) : undefined;
  }

  return {num: num, countText: countText, compute: compute, trace: trace, derivationText: derivationText, pretty: pretty,
    parameterValue: parameterValue, parameterGradient: parameterGradient};
})();
if (typeof module !== "undefined") module.exports = BackpropEngine;
