// Draws each chart of the page from the Vega-Lite specification the server put beside it.
(function () {
  "use strict";
  document.querySelectorAll(".chart[data-spec]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-spec"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    // No loader may fetch anything: the data is in the specification.
    var loader = vega.loader({ mode: "http" });
    loader.load = function () { return Promise.reject(new Error("no loading")); };
    vegaEmbed(element, spec, { actions: false, renderer: "svg", loader: loader })
      .then(function () { element.setAttribute("data-drawn", "true"); })
      .catch(function (error) {
        element.setAttribute("data-drawn", "failed");
        element.textContent = "The chart could not be drawn: " + error;
      });
  });
}());
