// A list's filter form (templates/includes/filter_form.html) refreshes its
// results through htmx on the `filter-form` event, sent from here once per
// change of what the form asks for:
// - a search box: once typing pauses, and never halfway through a word typed
//   through an input method (Chinese pinyin): a word counts once it is chosen
//   (compositionend), whatever key the input method used to choose it;
// - another field (a choice, a date, a picker): at once, on change;
// - Enter or the Filter button: at once, instead of the search still waiting.
// Nothing is sent when the form asks for what was last sent (Enter after the
// pause, a picker's box losing focus). Without JavaScript the form is a plain GET.
(function () {
  "use strict";
  var PAUSE = 400; // ms after the last key, as a person pauses between words
  var FORM = "form[data-filter-form]";
  var SEARCH = "input[type=search]";
  var state = new WeakMap(); // form → {timer, composing, sent}

  function stateOf(form) {
    if (!state.has(form)) {
      state.set(form, { timer: null, composing: false, sent: asked(form) });
    }
    return state.get(form);
  }

  function asked(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function filter(form, now) {
    var s = stateOf(form);
    clearTimeout(s.timer);
    s.timer = null;
    function send() {
      s.timer = null;
      var query = asked(form);
      if (query !== s.sent) {
        s.sent = query;
        htmx.trigger(form, "filter-form");
      }
    }
    if (now) {
      send();
    } else {
      s.timer = setTimeout(send, PAUSE);
    }
  }

  function formOf(event, selector) {
    var target = event.target;
    return target.matches && target.matches(selector) ? target.closest(FORM) : null;
  }

  // Each form's state starts from what the page shows (a history restore brings
  // a new form, which starts afresh on first use).
  function remember(root) {
    root.querySelectorAll(FORM).forEach(stateOf);
  }
  document.addEventListener("DOMContentLoaded", function () { remember(document); });

  document.addEventListener("compositionstart", function (event) {
    var form = formOf(event, SEARCH);
    if (form) {
      stateOf(form).composing = true;
      clearTimeout(stateOf(form).timer);
    }
  });
  document.addEventListener("compositionend", function (event) {
    var form = formOf(event, SEARCH);
    if (form) {
      stateOf(form).composing = false;
      filter(form, false);
    }
  });
  document.addEventListener("input", function (event) {
    var form = formOf(event, SEARCH);
    if (form && !event.isComposing && !stateOf(form).composing) {
      filter(form, false);
    }
  });
  document.addEventListener("change", function (event) {
    // A search box's change (Enter, leaving it) is its typing, handled above.
    var form = formOf(event, FORM + " :not(" + SEARCH + ")");
    if (form) {
      filter(form, true);
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.matches(FORM) ? event.target : null;
    if (form && typeof htmx !== "undefined") {
      event.preventDefault();
      filter(form, true);
    }
  });
})();
