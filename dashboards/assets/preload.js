// plotly.js (3.5 MB of script) and the world map's shapes are only asked for once the first
// chart arrives. Here they load while the server builds the first page instead: once the app
// has sent its first callback, so the app's own start is not delayed.
// dcc.Graph loads plotly.js itself when `window.Plotly` is unset and waits on it when it is a
// promise (plotly.js replaces the promise with itself when it runs); plotly.js reads map shapes
// from `window.PlotlyGeoAssets` before fetching them.
(function () {
  const config = document.getElementById("_dash-config");
  if (!config || !window.fetch) { return; }
  const settings = JSON.parse(config.textContent);
  const prefix = settings.requests_pathname_prefix || "/";
  const plotly = settings.serve_locally
    ? prefix + "_dash-component-suites/plotly/package_data/plotly.min.js"
    : settings.plotlyjs_url;
  const fetchFirst = window.fetch;
  window.fetch = function (resource) {
    const answer = fetchFirst.apply(this, arguments);
    if (String(resource).indexOf("_dash-update-component") >= 0) {
      window.fetch = fetchFirst;
      if (!window.Plotly) { window.Plotly = script(plotly); }
      world(fetchFirst, prefix + "assets/topojson/world_110m.json");
    }
    return answer;
  };

  function script(src) {
    return new Promise(function (resolve, reject) {
      const element = document.createElement("script");
      element.src = src;
      element.async = true;
      element.onload = function () { resolve(window.Plotly); };
      // A later chart loads plotly.js itself again, as without this file.
      element.onerror = function (error) { window.Plotly = undefined; reject(error); };
      document.head.appendChild(element);
    });
  }

  function world(get, url) {
    get(url).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (shapes) {
        if (!shapes) { return; }
        const assets = window.PlotlyGeoAssets = window.PlotlyGeoAssets || {};
        assets.topojson = assets.topojson || {};
        assets.topojson.world_110m = assets.topojson.world_110m || shapes;
      })
      .catch(function () { /* the map fetches its shapes itself, as without this */ });
  }
})();
