/**
 * The checkout page's inline script: plain browser JavaScript, no build step. It calls the client
 * API by client secret with relative URLs (PATCH to update, POST /confirm with the test card as
 * `confirmation_token_id`), shows Polar's errors next to their fields, redraws the summary from
 * the page the server draws, and sends a paid checkout to its success URL.
 */
export const CHECKOUT_SCRIPT = String.raw`(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var page = $("page"), form = $("checkout-form"), pay = $("pay"), formError = $("form-error");
  // Relative to where the page is served, so a public URL with a path (a proxy) works too.
  var root = location.pathname.replace(/\/checkout\/[^/]+\/?$/, "");
  var secret = encodeURIComponent(page.dataset.secret);
  var api = root + "/v1/checkouts/client/" + secret;

  function call(method, path, body) {
    var init = { method: method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(api + path, init).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (json) {
        return { status: res.status, ok: res.ok, body: json };
      });
    });
  }

  function clearErrors() {
    document.querySelectorAll("[data-error]").forEach(function (el) { el.textContent = ""; });
    formError.textContent = "";
  }

  // Polar's answers: a 422 lists fields (loc body.<field>...), other errors carry a detail string.
  function showErrors(res) {
    var body = res.body || {};
    if (Array.isArray(body.detail)) {
      body.detail.forEach(function (item) {
        var where = (item.loc || []).slice(1).join(".");
        var el = document.querySelector('[data-error="' + CSS.escape(where) + '"]');
        if (el && !el.closest("[hidden]")) el.textContent = item.msg;
        else formError.textContent = (formError.textContent ? formError.textContent + " " : "") + item.msg;
      });
      return;
    }
    formError.textContent = typeof body.detail === "string" ? body.detail : "Something went wrong (HTTP " + res.status + ").";
  }

  // Expired, paid or otherwise closed meanwhile: the page says what became of it.
  function closed(res) {
    if (res.status === 403 || res.status === 410) { location.reload(); return true; }
    return false;
  }

  function syncForm() {
    var payment = form.dataset.payment === "1";
    document.querySelector("[data-payment-only]").hidden = !payment;
    var country = $("country").value;
    var lines = country === "US" || page.dataset.requireAddress === "1";
    document.querySelector('[data-address="lines"]').hidden = !lines;
    document.querySelector('[data-address="state"]').hidden = !(country === "US" || country === "CA");
  }

  // Redraws the summary, the discount and amount fields and the button from the server's page.
  function refresh() {
    return fetch(location.href, { headers: { Accept: "text/html" } })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (!doc.getElementById("page")) { location.reload(); return; }
        document.querySelectorAll("[data-region]").forEach(function (el) {
          var next = doc.getElementById(el.id);
          if (next) el.innerHTML = next.innerHTML;
        });
        var nextForm = doc.getElementById("checkout-form");
        form.dataset.payment = nextForm.dataset.payment;
        pay.textContent = doc.getElementById("pay").textContent;
        syncForm();
      });
  }

  function update(body, errorAt) {
    clearErrors();
    return call("PATCH", "", body).then(function (res) {
      if (res.ok) return refresh();
      if (closed(res)) return;
      showErrors(res);
      if (errorAt && !document.querySelector('[data-error="' + errorAt + '"]').textContent)
        document.querySelector('[data-error="' + errorAt + '"]').textContent = formError.textContent;
    });
  }

  function applyDiscount() {
    var code = $("discount-code").value.trim();
    if (code) update({ discount_code: code }, "discount_code");
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.id === "discount-apply") applyDiscount();
    if (target.id === "discount-remove") update({ discount_code: null });
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.id === "discount-code" && event.key === "Enter") {
      event.preventDefault();
      applyDiscount();
    }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "product_id") update({ product_id: target.value });
    if (target.id === "amount") update({ amount: Math.round(parseFloat(target.value || "0") * 100) }, "amount");
    if (target.id === "country") {
      syncForm();
      if (target.value) update({ customer_billing_address: { country: target.value } });
    }
  });

  function busy(on, label) {
    pay.disabled = on;
    if (on) { pay.dataset.label = pay.textContent; pay.textContent = label; }
    else if (pay.dataset.label) pay.textContent = pay.dataset.label;
  }

  function paid() {
    form.hidden = true;
    $("done").hidden = false;
    var tries = 0;
    (function wait() {
      call("GET", "").then(function (res) {
        var status = res.body && res.body.status;
        if (status === "succeeded" || tries++ > 20) {
          var target = page.dataset.redirect || root + "/checkout/" + secret + "/confirmation";
          setTimeout(function () { location.assign(target); }, 800);
          return;
        }
        setTimeout(wait, 500);
      });
    })();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var payment = form.dataset.payment === "1";
    var details = {};
    var email = $("email"), name = $("name").value.trim();
    if (!email.disabled && email.value.trim()) details.customer_email = email.value.trim();
    if (name) details.customer_name = name;
    var country = $("country").value;
    if (payment && country) {
      var address = { country: country };
      ["line1", "postal_code", "city", "state"].forEach(function (id) {
        var input = $(id);
        if (!input.closest("[hidden]") && input.value.trim()) address[id] = input.value.trim();
      });
      details.customer_billing_address = address;
    }
    var confirm = {};
    if (payment && $("card").value.trim()) confirm.confirmation_token_id = $("card").value.trim();
    busy(true, "Processing…");
    call("PATCH", "", details)
      .then(function (res) {
        if (!res.ok) return res;
        return call("POST", "/confirm", confirm);
      })
      .then(function (res) {
        if (res.ok) return paid();
        busy(false);
        if (!closed(res)) showErrors(res);
      })
      .catch(function () {
        busy(false);
        formError.textContent = "The emulator could not be reached.";
      });
  });

  syncForm();
})();
`;
