// Shows the number-symbol the document will get while the clerk picks issuer, type and date.
(function () {
  "use strict";

  function setup(input) {
    var form = input.form;
    var url = input.dataset.nextNumberUrl;
    var note = document.createElement("p");
    note.className = "help documents-next-number";
    note.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", note);

    function field(name) {
      return form.querySelector('[name="' + name + '"]');
    }

    function refresh() {
      var issuer = field("issuer");
      var docType = field("doc_type");
      var issuedOn = field("issued_on");
      var params = new URLSearchParams({
        issuer: issuer ? issuer.value : "",
        doc_type: docType ? docType.value : "",
        issued_on: issuedOn ? issuedOn.value : "",
        document: input.dataset.documentId || "",
      });
      fetch(url + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          note.textContent = data.message || "";
          input.placeholder = data.symbol || "05-CT/TW";
        })
        .catch(function () { note.textContent = ""; });
    }

    ["issuer", "doc_type", "issued_on"].forEach(function (name) {
      var element = field(name);
      if (element) { element.addEventListener("change", refresh); }
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-next-number-url]").forEach(setup);
  });
})();
