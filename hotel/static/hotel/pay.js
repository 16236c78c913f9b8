/* The guest payment page: Stripe.js collects the card (createToken), the server charges what
 * the booking's terms take now or, for pay-at-hotel terms, saves the card as a guarantee
 * (payment_create), 3-D Secure runs in the page (confirmCardPayment; a guarantee's
 * confirmCardSetup) when the bank asks, then the page waits for the booking to be confirmed. Card data never reaches
 * the hotel's server: the card inputs have no name and only the token is posted. */
(function () {
  "use strict";
  var form = document.getElementById("pay-form");
  if (!form) return;
  var button = document.getElementById("pay-button");
  var errors = document.getElementById("card-errors");
  var progress = document.getElementById("pay-progress");
  var label = button.textContent;
  // How long the page waits for the guest's 3-D Secure check before it stops and says so.
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

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // Poll until the booking is confirmed, the attempt ends without money, or a minute passed.
  async function waitForConfirmation(statusUrl, nextUrl) {
    say(texts.confirming);
    var last = null;
    for (var i = 0; i < 60; i++) {
      var response = await fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        var state = await response.json();
        if (state.bookingStatus === "confirmed") {
          window.location.assign(nextUrl);
          return;
        }
        last = state.payment && state.payment.status;
        if (last === "failed" || last === "cancelled" || last === "refunded") {
          busy(false);
          showError(state.payment.message || texts.generic);
          return;
        }
      }
      await sleep(1000);
    }
    if (last === "pending" || last === "completed") {
      window.location.assign(nextUrl);  // money is moving: the confirmation page waits for it
      return;
    }
    busy(false);  // still waiting for the bank's check: stop, and say what to do
    showError(texts.not_confirmed);
  }

  // Stripe.js's 3-D Secure check, or {abandoned: true} when the guest leaves it unanswered.
  // A guarantee (a SetupIntent) is confirmed with the card itself (confirmCardSetup).
  function authenticate(clientSecret, kind) {
    var timeout = sleep(authTimeout).then(function () { return { abandoned: true }; });
    var check = kind === "guarantee"
      ? stripe.confirmCardSetup(clientSecret, { payment_method: { card: card } })
      : stripe.confirmCardPayment(clientSecret);
    return Promise.race([check, timeout]);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (button.disabled) return;
    clearError();
    busy(true);
    try {
      var result = await stripe.createToken(card);
      if (result.error || !result.token) {
        busy(false);
        showError((result.error && result.error.message) || texts.card);
        return;
      }
      var body = new URLSearchParams(new FormData(form));
      body.set("stripe_token", result.token.id);
      var response = await fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      var data = await response.json().catch(function () { return {}; });
      if (!response.ok) {
        busy(false);
        showError(data.error && data.error.message);
        return;
      }
      if (data.state === "requires_action") {
        say(data.kind === "guarantee" ? texts.authenticating_card : texts.authenticating);
        var auth = (await authenticate(data.clientSecret, data.kind)) || {};
        if (auth.abandoned) {
          busy(false);
          showError(texts.auth_abandoned);
          return;
        }
        var intent = auth.paymentIntent || auth.setupIntent;
        if (auth.error || (intent && intent.status && intent.status !== "succeeded" && intent.status !== "processing")) {
          busy(false);
          // The page's own words (its language), not Stripe.js's English auth.error.message.
          showError(texts.auth_failed);
          return;
        }
      }
      if (data.done) {  // a payment onto the bill of a confirmed booking: nothing to wait for
        window.location.assign(data.next);
        return;
      }
      await waitForConfirmation(data.statusUrl, data.next);
    } catch (err) {
      busy(false);
      showError(texts.generic);
    }
  });
})();
