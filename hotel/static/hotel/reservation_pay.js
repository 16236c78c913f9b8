/* A reservation's page: one card form pays every held room (hotel/site/reservation_pay.py).
 * Stripe.js collects the card (createToken); the server charges each pending stay what its
 * terms take now. When a stay's bank asks for 3-D Secure the server stops there: the page
 * runs the check (confirmCardPayment; a guarantee's confirmCardSetup), waits until the
 * webhook has confirmed that stay, then posts a fresh token for the rooms still due — so no
 * stay is ever charged twice. When every room is confirmed the page reloads and shows them.
 * Card data never reaches the hotel's server: only the token is posted. */
(function () {
  "use strict";
  var form = document.getElementById("pay-form");
  if (!form) return;
  var button = document.getElementById("pay-button");
  var errors = document.getElementById("card-errors");
  var progress = document.getElementById("pay-progress");
  var label = button.textContent;
  var authTimeout = (Number(form.dataset.authTimeout) || 900) * 1000;
  var texts = {};
  var template = document.getElementById("pay-messages");
  if (template) {
    template.content.querySelectorAll("[data-key]").forEach(function (el) {
      texts[el.dataset.key] = el.textContent;
    });
  }

  function showError(message) {
    errors.textContent = message || texts.generic;
    form.classList.add("has-error");
    progress.hidden = true;
  }
  function clearError() {
    errors.textContent = "";
    form.classList.remove("has-error");
  }
  function busy(on) {
    button.disabled = on;
    button.textContent = on ? button.dataset.busyLabel : label;
    form.setAttribute("aria-busy", on ? "true" : "false");
  }
  function say(message) {
    progress.textContent = message;
    progress.hidden = false;
  }
  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  if (typeof window.Stripe !== "function") {
    showError(texts.load);
    return;
  }
  var stripe = window.Stripe(form.dataset.stripeKey);
  // Stripe writes its card field's words and errors in the page's language.
  var card = stripe.elements({ locale: document.documentElement.lang || "auto" }).create("card", { hidePostalCode: true });
  card.mount("#card-element");
  card.on("change", function (event) {
    if (event && event.error) showError(event.error.message);
    else clearError();
  });
  button.disabled = false;

  async function status() {
    var response = await fetch(form.dataset.statusUrl, {
      credentials: "same-origin", headers: { Accept: "application/json" },
    });
    return response.ok ? response.json() : null;
  }

  // Some rooms may be paid already: the page, reloaded, shows each room and what is left.
  async function stopAfter(message) {
    var state = await status().catch(function () { return null; });
    if (state && state.stays && Object.keys(state.stays).some(function (id) {
      return state.stays[id].status !== "pending";
    }) && state.pending.length) {
      window.sessionStorage.setItem("reservation-pay-message", message || texts.partial);
      window.location.reload();
      return;
    }
    busy(false);
    showError(message);
  }

  // Poll until `done(state)` says yes, a watched stay's attempt ends without money, or a minute.
  async function waitFor(done, watched) {
    say(texts.confirming);
    for (var i = 0; i < 60; i++) {
      var state = await status().catch(function () { return null; });
      if (state) {
        if (done(state)) return state;
        var stay = watched && state.stays[watched];
        var last = stay && stay.payment && stay.payment.status;
        if (last === "failed" || last === "cancelled" || last === "refunded") {
          await stopAfter(stay.payment.message || texts.auth_failed);
          return null;
        }
      }
      await sleep(1000);
    }
    await stopAfter(texts.not_confirmed);
    return null;
  }

  function authenticate(clientSecret, kind) {
    var timeout = sleep(authTimeout).then(function () { return { abandoned: true }; });
    var check = kind === "guarantee"
      ? stripe.confirmCardSetup(clientSecret, { payment_method: { card: card } })
      : stripe.confirmCardPayment(clientSecret);
    return Promise.race([check, timeout]);
  }

  // One round: a token, one POST for what is due; true when the rest must be posted again.
  async function payRound(amount) {
    var result = await stripe.createToken(card);
    if (result.error || !result.token) {
      await stopAfter((result.error && result.error.message) || texts.card);
      return null;
    }
    var body = new URLSearchParams(new FormData(form));
    body.set("stripe_token", result.token.id);
    body.set("amount", String(amount));
    var response = await fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    var data = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      await stopAfter(data.error && data.error.message);
      return null;
    }
    if (data.state !== "requires_action") return { more: false };
    say(data.kind === "guarantee" ? texts.authenticating_card : texts.authenticating);
    var auth = (await authenticate(data.clientSecret, data.kind)) || {};
    if (auth.abandoned) {
      await stopAfter(texts.auth_abandoned);
      return null;
    }
    var intent = auth.paymentIntent || auth.setupIntent;
    if (auth.error || (intent && intent.status && intent.status !== "succeeded" && intent.status !== "processing")) {
      // The page's own words (its language), not Stripe.js's English auth.error.message.
      await stopAfter(texts.auth_failed);
      return null;
    }
    // The authenticated stay must be confirmed (webhook) before the rest is charged.
    var state = await waitFor(function (s) {
      return s.stays[data.bookingId] && s.stays[data.bookingId].status !== "pending";
    }, data.bookingId);
    if (!state) return null;
    return { more: state.pending.length > 0, due: state.due };
  }

  var carried = window.sessionStorage.getItem("reservation-pay-message");
  if (carried) {
    window.sessionStorage.removeItem("reservation-pay-message");
    showError(carried);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (button.disabled) return;
    clearError();
    busy(true);
    try {
      var amount = Number(form.elements.amount.value);
      for (var round = 0; round < 10; round++) {
        var step = await payRound(amount);
        if (!step) return;
        if (!step.more) break;
        say(texts.next_room);
        amount = step.due;
      }
      var state = await waitFor(function (s) { return s.allConfirmed; }, null);
      if (state) window.location.assign(form.dataset.nextUrl);
    } catch (err) {
      busy(false);
      showError(texts.generic);
    }
  });
})();
