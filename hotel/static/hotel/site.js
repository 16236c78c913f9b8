/* Small progressive enhancements for the guest site; every page works without it. */
(function () {
  "use strict";
  // One submit per click: a double click must not send a form twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "pay-form" || form.method.toLowerCase() !== "post") return;
    var button = form.querySelector("button[type=submit]");
    if (button) setTimeout(function () { button.disabled = true; }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form:not(#pay-form) button[type=submit]").forEach(function (b) {
      b.disabled = false;
    });
  });
  // After a failed submit, start at the error summary (autofocus does it too, where supported).
  var summary = document.getElementById("form-errors");
  if (summary && document.activeElement !== summary) summary.focus();
  // Check-out follows check-in: never before the day after it.
  var checkIn = document.getElementById("id_check_in");
  var checkOut = document.getElementById("id_check_out");
  if (checkIn && checkOut && checkIn.type === "date") {
    var sync = function () {
      if (!checkIn.value) return;
      var next = new Date(checkIn.value + "T00:00:00Z");
      next.setUTCDate(next.getUTCDate() + 1);
      var min = next.toISOString().slice(0, 10);
      checkOut.min = min;
      if (!checkOut.value || checkOut.value < min) checkOut.value = min;
    };
    checkIn.addEventListener("change", sync);
  }
  // Children: one age select per child. All are in the page and those beyond the number
  // chosen are hidden; this shows as many as the number (without it, a search that lacks an
  // age asks for it).
  document.querySelectorAll("select[data-children]").forEach(function (count) {
    var box = count.form && count.form.querySelector("[data-child-ages]");
    if (!box) return;
    count.addEventListener("change", function () {
      var n = parseInt(count.value, 10) || 0;
      box.hidden = n === 0;
      box.querySelectorAll("[data-child]").forEach(function (child) {
        child.hidden = parseInt(child.getAttribute("data-child"), 10) > n;
      });
    });
  });
  // A result's thumbnails show their photo in the large frame (without JS, they open it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".thumbs a[data-photo]");
    if (!link) return;
    var frame = link.closest(".result__gallery");
    var main = frame && frame.querySelector(".gallery__main");
    if (!main || main.tagName !== "IMG") return;
    event.preventDefault();
    var srcset = link.getAttribute("data-srcset");
    if (srcset) main.setAttribute("srcset", srcset); else main.removeAttribute("srcset");
    main.src = link.getAttribute("data-photo");
    main.alt = link.getAttribute("data-alt") || "";
    var caption = frame.querySelector(".gallery__caption");
    if (caption) {
      caption.textContent = link.getAttribute("data-caption") || "";
      caption.hidden = !caption.textContent;
    }
    link.closest(".thumbs").querySelectorAll("a").forEach(function (a) {
      a.removeAttribute("aria-current");
    });
    link.setAttribute("aria-current", "true");
  });
})();
