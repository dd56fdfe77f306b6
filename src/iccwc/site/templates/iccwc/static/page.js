/* The shared pages' own script. Nothing is fetched: the scripts it loads are in _static/ beside the page.
 *
 *  1. Figures: each figure's views (chart, map, table) are tabs; the chosen one is kept in the page's address.
 *  2. The page's address keeps every in-page control (#region=Africa&from=2017&to=2019&stage-map=table), and
 *     opening that address restores the view, offline too.
 *  3. Interactive charts: compiled Vega drawn with the page's copy of vega; its bound parameters are the controls.
 *  4. Maps: fitted on a narrow screen, hover tooltips on every shape, layer lists folded on a phone.
 *  5. PNG downloads of a chart, made in the page from what it shows.
 */
(function () {
  'use strict';
  var config = JSON.parse((document.getElementById('iccwc-page-config') || {}).textContent || '{}');
  var ALL = config.all || 'All', NARROW = config.narrow || 560;

  /* ---------------------------------------------------------------- 2. the address */
  function readHash() {
    var out = {}, h = window.location.hash.replace(/^#/, '');
    if (!h) return out;
    h.split('&').forEach(function (part) {
      if (!part) return;
      var i = part.indexOf('='), k = i < 0 ? part : part.slice(0, i), v = i < 0 ? '' : part.slice(i + 1);
      try { out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, ' ')); } catch (e) { /* not ours */ }
    });
    return out;
  }
  var state = readHash(), order = Object.keys(state);
  function writeHash(key, value, isDefault) {
    if (isDefault) { delete state[key]; } else { if (!(key in state)) order.push(key); state[key] = String(value); }
    order = order.filter(function (k) { return k in state; });
    var text = order.map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(state[k]); }).join('&');
    history.replaceState(null, '', text ? '#' + text : window.location.pathname + window.location.search);
  }

  /* ---------------------------------------------------------------- 1. figures */
  function selectTab(fig, view, record) {
    var tabs = fig.querySelectorAll('.iccwc-tabs button'), found = false;
    tabs.forEach(function (b) { if (b.getAttribute('data-view') === view) found = true; });
    if (!found) return false;
    tabs.forEach(function (b) {
      var on = b.getAttribute('data-view') === view;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    });
    fig.querySelectorAll('.iccwc-panel').forEach(function (p) {
      p.hidden = p.getAttribute('data-view') !== view;
    });
    if (record) writeHash(fig.id, view, view === tabs[0].getAttribute('data-view'));
    var panel = fig.querySelector('.iccwc-panel[data-view="' + view + '"]');
    if (panel) { drawCharts(panel); window.dispatchEvent(new Event('resize')); }
    return true;
  }
  function setupFigures() {
    document.querySelectorAll('.iccwc-figure').forEach(function (fig) {
      var tabs = fig.querySelectorAll('.iccwc-tabs button');
      if (!tabs.length) return;
      tabs.forEach(function (b) {
        b.addEventListener('click', function () { selectTab(fig, b.getAttribute('data-view'), true); });
      });
      fig.querySelector('.iccwc-tabs').hidden = false;
      if (!(fig.id in state && selectTab(fig, state[fig.id], false))) selectTab(fig, tabs[0].getAttribute('data-view'), false);
    });
  }

  /* ---------------------------------------------------------------- 3. interactive charts */
  // A control the page's maps follow (data-iccwc-map-layers: {param: {label, layers: {value: layer name}}}): each
  // map whose layers control lists those layers shows the chosen value's layer and hides the others ("All": all).
  function followMaps(box, view) {
    var links = JSON.parse(box.getAttribute('data-iccwc-map-layers') || '{}');
    Object.keys(links).forEach(function (param) {
      var byValue = links[param].layers, names = Object.keys(byValue).map(function (k) { return byValue[k]; });
      function apply(value) {
        document.querySelectorAll('.leaflet-control-layers-overlays label').forEach(function (label) {
          var layer = label.textContent.trim(), input = label.querySelector('input');
          if (!input || names.indexOf(layer) < 0) return;
          var want = value === ALL || byValue[value] === layer;
          if (input.checked !== want) input.click();
        });
      }
      view.addSignalListener(param, function (name, value) { apply(value); });
      if (view.signal(param) !== ALL) {           // restored from the address: the maps follow once drawn
        var tries = 0, timer = setInterval(function () {
          if (document.querySelector('.leaflet-control-layers-overlays label') || ++tries > 40) {
            clearInterval(timer); apply(view.signal(param));
          }
        }, 250);
      }
    });
  }
  // A concatenated chart sized to its container gives each view the container's width, so its axis labels make
  // the drawing wider than the page: narrow the views by that excess, so the drawing fits at 1:1.
  function fit(view, live, tries) {
    var svg = live.querySelector('svg');
    var excess = svg ? parseFloat(svg.getAttribute('width')) - live.clientWidth : 0;
    tries = tries === undefined ? 3 : tries;
    if (!(excess > 1) || !live.clientWidth || !tries || view.width() <= 120) return Promise.resolve();
    return view.width(Math.max(120, view.width() - excess)).runAsync().then(function () { return fit(view, live, tries - 1); });
  }
  // On a phone, long labels left of a view and in a legend are shortened (Vega's ellipsis; tooltips keep the
  // whole text), and labels along a view's width that would overlap drop every other one.
  function narrow(spec, width) {
    if (!(width > 0) || width >= NARROW) return spec;
    var axis = Math.max(80, Math.round(width * 0.35)), legend = Math.max(100, width - axis - 50);
    function cap(o, key, most) { o[key] = Math.min(o[key] || most, most); }
    (function walk(node) {
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (!node || typeof node !== 'object') return;
      (node.axes || []).forEach(function (a) {
        if (a.orient === 'left' || a.orient === 'right') cap(a, 'labelLimit', axis);
        else if (!a.labelOverlap) a.labelOverlap = true;
      });
      (node.legends || []).forEach(function (l) { cap(l, 'labelLimit', legend); cap(l, 'titleLimit', legend); });
      Object.keys(node).forEach(function (k) { if (k !== 'data' && k !== 'axes' && k !== 'legends') walk(node[k]); });
    })(spec);
    var c = spec.config = spec.config || {};
    c.axis = c.axis || {}; c.legend = c.legend || {};
    cap(c.axis, 'labelLimit', axis); cap(c.legend, 'labelLimit', legend); cap(c.legend, 'titleLimit', legend);
    return spec;
  }
  // A bound parameter's value from the address, if it is one of the control's own values.
  function fromAddress(signal) {
    if (!(signal.name in state)) return undefined;
    var text = state[signal.name], bind = signal.bind || {};
    if (bind.options) {
      for (var i = 0; i < bind.options.length; i++) if (String(bind.options[i]) === text) return bind.options[i];
      return undefined;
    }
    if (bind.input === 'range') {
      var n = Number(text);
      if (!isFinite(n) || (bind.min !== undefined && n < bind.min) || (bind.max !== undefined && n > bind.max)) return undefined;
      return n;
    }
    if (bind.input === 'checkbox') return text === 'true' ? true : text === 'false' ? false : undefined;
    return text;
  }
  var views = [];
  function drawCharts(root) {
    var boxes = (root || document).querySelectorAll('figure.iccwc-vega');
    if (!boxes.length || !window.require) return;
    require(['vega'], function (vega) {
      boxes.forEach(function (box) {
        var data = box.querySelector('script[type="application/vnd.iccwc.vega+json"]');
        if (!data || box.querySelector('.iccwc-vega-live') || !box.offsetParent) return;   // drawn, or hidden in a tab
        var live = document.createElement('div');
        live.className = 'iccwc-vega-live';
        box.appendChild(live);
        var spec = narrow(JSON.parse(data.textContent), live.clientWidth), bound = [];
        (spec.signals || []).forEach(function (s) {
          if (!s.bind) return;
          bound.push({name: s.name, first: s.value, bind: s.bind});
          var v = fromAddress(s);
          if (v !== undefined) s.value = v;
        });
        var view = new vega.View(vega.parse(spec), {renderer: 'svg', container: live, hover: true});
        view.runAsync().then(function () { return fit(view, live); }).then(function () {
          window.addEventListener('resize', function () { requestAnimationFrame(function () { fit(view, live); }); });
          var still = box.querySelector('.iccwc-vega-static');
          if (still) still.remove();
          box.classList.add('iccwc-vega-drawn');
          box.iccwcView = view;
          views.push({view: view, bound: bound});
          bound.forEach(function (b) {
            view.addSignalListener(b.name, function (name, value) { writeHash(name, value, value === b.first); });
          });
          followMaps(box, view);
        }).catch(function (e) { console.error('iccwc: a chart could not be drawn', e); live.remove(); });
      });
    });
  }
  // Another address opened on the same page (a pasted link): its controls and tabs are set again.
  window.addEventListener('hashchange', function () {
    state = readHash(); order = Object.keys(state);
    if (document.querySelector('.leaflet-container')) restoreLayers();
    document.querySelectorAll('.iccwc-figure').forEach(function (fig) {
      var first = fig.querySelector('.iccwc-tabs button');
      if (first) selectTab(fig, fig.id in state ? state[fig.id] : first.getAttribute('data-view'), false);
    });
    views.forEach(function (v) {
      v.bound.forEach(function (b) {
        var want = fromAddress(b);
        var value = want === undefined ? b.first : want;
        if (v.view.signal(b.name) !== value) v.view.signal(b.name, value).runAsync();
      });
    });
  });

  /* ---------------------------------------------------------------- 4. maps */
  function setupMaps() {
    if (!window.requirejs) return;
    var before = requirejs.onResourceLoad;
    requirejs.onResourceLoad = function (context, map) {
      if (before) before.apply(this, arguments);
      var L = window.L;
      if (map.name !== 'jupyter-leaflet' || !L || L.iccwcHooked) return;
      L.iccwcHooked = true;
      // Which group a shape belongs to (a GeoJSON layer binds one popup for all its shapes): recorded as it joins.
      L.FeatureGroup.addInitHook(function () {
        var group = this;
        group.eachLayer(function (l) { l.iccwcOwner = group; });
        group.on('layeradd', function (e) { e.layer.iccwcOwner = group; });
      });
      // A country's circle of a layer of circles (iccwc.views.maps.coverage.CountryPoints) carries its popup's HTML
      // (made and escaped by the package) in properties.popup; the layer has one popup widget for all its circles,
      // which a kernel fills on hover. With no kernel, the circle's own HTML is written into it before it opens.
      function fillPopup(layer) {
        var props = layer.feature && layer.feature.properties, owner = layer.iccwcOwner;
        var popup = props && props.popup && owner && owner.getPopup && owner.getPopup(), content = popup && popup.getContent();
        if (!content || !content.querySelector) return;
        (content.querySelector('.widget-html-content') || content).innerHTML = props.popup;
      }
      function tipOf(layer) {
        var props = layer.feature && layer.feature.properties, box = document.createElement('div');
        if (props && props.tooltip) { box.textContent = props.tooltip; return box; }
        if (props && props.popup) {
          box.innerHTML = props.popup;
          var own = box.querySelector('.iccwc-tip');
          if (own) { box.innerHTML = own.innerHTML + '<br><i>Click for the list.</i>'; return box; }
        }
        var owners = [layer, layer.iccwcOwner];
        for (var i = 0; i < owners.length; i++) {
          var popup = owners[i] && owners[i].getPopup && owners[i].getPopup(), content = popup && popup.getContent();
          if (!content || !content.querySelector) continue;
          var head = content.querySelector('.iccwc-tip');
          box.innerHTML = (head || content.querySelector('.widget-html-content') || content).innerHTML;
          if (head) box.insertAdjacentHTML('beforeend', '<br><i>Click for the list.</i>');
          return box.textContent.trim() ? box : null;
        }
        if (props && props.name) { box.textContent = props.name; return box; }
        return null;
      }
      L.Path.addInitHook(function () {
        this.on('click', function () { fillPopup(this); });
        this.on('mouseover', function (e) {
          if (this.getTooltip()) return;
          var tip = tipOf(this);
          if (!tip) return;
          this.bindTooltip(tip, {sticky: true, direction: 'auto', className: 'iccwc-map-tip', opacity: 0.95});
          this.openTooltip(e.latlng);
        });
      });
      L.Control.Layers.addInitHook(function () { if (window.innerWidth < 600) this.options.collapsed = true; });
      // A map fitted for a design size (class iccwc-view-WxH) drawn smaller zooms out by a fraction of a level, so
      // the same area shows; the legend corner sits above a wrapped attribution line.
      L.Map.addInitHook(function () {
        var m = this, el = m.getContainer(), centre = m.options.center, zoom = m.options.zoom;
        if (!centre || zoom === undefined || !window.ResizeObserver) return;
        var lift = new ResizeObserver(function () {
          var a = el.querySelector('.leaflet-control-attribution'), left = el.querySelector('.leaflet-bottom.leaflet-left');
          if (a && left) left.style.bottom = (a.offsetWidth > el.clientWidth / 2 ? a.offsetHeight : 0) + 'px';
        });
        var corner = el.querySelector('.leaflet-bottom.leaflet-right');
        lift.observe(el); if (corner) lift.observe(corner);
        var watch = new ResizeObserver(function () {
          if (!el.isConnected || !el.clientWidth || !el.clientHeight) return;
          var host = el.closest('[class*="iccwc-view-"]');
          var size = host && /iccwc-view-(\d+)x(\d+)/.exec(host.className);
          watch.disconnect();
          if (!size || el.clientWidth >= +size[1]) return;
          var w = +size[1], h = +size[2], crs = L.CRS.EPSG3857, c = crs.latLngToPoint(L.latLng(centre), zoom);
          var area = L.latLngBounds(crs.pointToLatLng(c.subtract([w / 2, h / 2]), zoom), crs.pointToLatLng(c.add([w / 2, h / 2]), zoom));
          m.invalidateSize(false);
          m.options.zoomSnap = 0;
          var least = m.getMinZoom();
          m.options.minZoom = 0;
          var z = m.getBoundsZoom(area, false);
          m.setMinZoom(Math.min(least, z));
          m.setView(area.getCenter(), z, {animate: false});
        });
        watch.observe(el);
      });
    };
  }

  // A map's layers list is a control too: the layers a reader switched off are kept in the address
  // (#<figure>-hidden=Africa|Asia) and switched off again when that address is opened.
  function mapKey(container) {
    var fig = container.closest('.iccwc-figure'), all = document.querySelectorAll('.leaflet-container');
    if (fig && fig.id && fig.querySelectorAll('.leaflet-container').length === 1) return fig.id + '-hidden';
    return 'map-' + (Array.prototype.indexOf.call(all, container) + 1) + '-hidden';
  }
  function overlays(container) {
    return Array.prototype.slice.call(container.querySelectorAll('.leaflet-control-layers-overlays label'));
  }
  var layersTouched = false;          // a reader ticked or unticked a layer: the address no longer rules
  document.addEventListener('change', function (ev) {
    var input = ev.target, list = input.closest && input.closest('.leaflet-control-layers-overlays');
    if (!list) return;
    if (ev.isTrusted) layersTouched = true;
    var container = list.closest('.leaflet-container');
    var off = overlays(container).filter(function (l) { var i = l.querySelector('input'); return i && !i.checked; })
      .map(function (l) { return l.textContent.trim(); });
    writeHash(mapKey(container), off.join('|'), !off.length);
  });
  // Once every map's list is drawn and has stopped growing; then twice more, 250 ms apart, unless the reader
  // has changed a layer meanwhile: a map whose widgets add a layer late redraws its list (and may show
  // again a layer switched off), and it still ends as the address says.
  function restoreLayers() {
    var tries = 0, applied = 0, last = -1, timer = setInterval(function () {
      var maps = document.querySelectorAll('.leaflet-container');
      var ready = Array.prototype.every.call(maps, function (m) { return overlays(m).length || !m.querySelector('.leaflet-control-layers'); });
      var count = Array.prototype.reduce.call(maps, function (n, m) { return n + overlays(m).length; }, 0);
      var steady = count === last;
      last = count;
      if (!applied && !(maps.length && ready && steady) && ++tries <= 240) return;      // up to a minute
      if (++applied >= 3 || layersTouched) clearInterval(timer);
      if (layersTouched) return;
      maps.forEach(function (m) {
        var key = mapKey(m);
        if (!(key in state)) return;
        var off = state[key].split('|');
        overlays(m).forEach(function (l) {
          var input = l.querySelector('input');
          if (input && input.checked === (off.indexOf(l.textContent.trim()) >= 0)) input.click();
        });
      });
    }, 250);
  }

  /* ---------------------------------------------------------------- 6. countries link to their profiles */
  // config.profiles: {href: the country profiles page, countries: {name as the data write it: ISO3}}. Each table
  // cell that is exactly a country's name (or carries data-iso3) links to that country's profile.
  function linkCountries() {
    var p = config.profiles;
    if (!p || !p.href) return;
    var names = p.countries || {};
    document.querySelectorAll('.jp-OutputArea-output table tbody td, .jp-OutputArea-output table tbody th')
      .forEach(function (cell) {
        if (cell.querySelector('a, svg, input, select') || cell.closest('.leaflet-container, figure.iccwc-vega')) return;
        var code = cell.getAttribute('data-iso3') || names[cell.textContent.trim()];
        if (!code || !/^[A-Z]{3}$/.test(code)) return;
        var a = document.createElement('a');
        a.href = p.href + '#country=' + code;
        a.title = 'What the sources say about this country';
        while (cell.firstChild) a.appendChild(cell.firstChild);
        cell.appendChild(a);
      });
  }

  /* ---------------------------------------------------------------- 5. PNG downloads */
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a.iccwc-png');
    if (!a) return;
    var panel = a.closest('.jp-OutputArea-output') || a.closest('.iccwc-panel') || document;
    var svg = panel.querySelector('.iccwc-vega-live svg') || panel.querySelector('svg');
    if (!svg) return;
    ev.preventDefault();
    var w = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width || svg.getBoundingClientRect().width;
    var h = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.height || svg.getBoundingClientRect().height;
    var img = new Image(), scale = 2;
    img.onload = function () {
      var c = document.createElement('canvas'); c.width = w * scale; c.height = h * scale;
      var g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
      g.drawImage(img, 0, 0, c.width, c.height);
      var d = document.createElement('a'); d.href = c.toDataURL('image/png'); d.download = a.getAttribute('data-png');
      document.body.appendChild(d); d.click(); d.remove();
    };
    var copy = svg.cloneNode(true);
    copy.setAttribute('width', w); copy.setAttribute('height', h);
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(copy));
  });

  setupMaps();
  function start() { setupFigures(); linkCountries(); drawCharts(document); if (document.querySelector('.jupyter-widgets')) restoreLayers(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
