// Search-as-you-type pickers (core/pickers.py). The server renders one text box
// named <field>_key holding the chosen keys (employee numbers, studio codes),
// which works as it is without JavaScript. Here the box becomes a search field
// with a list of matches (arrow keys, Enter, Escape, or a tap) and, for a field
// of several, chips that keep the order chosen and can be moved or removed.
// A picker whose choices depend on a record chosen in another field of its
// form (data-picker-follows: that field's name) searches, once a record is
// chosen there, data-picker-follow-url with that record's id in place of {id};
// until then its own data-picker. A choice made there is dropped when that
// field's record changes (a mentor of one studio is no mentor of the next).
(function () {
  "use strict";

  function setUp(picker) {
    var box = picker.querySelector("input[type=text]");
    var chosenList = picker.querySelector(".picker-chosen");
    var multiple = picker.dataset.multiple === "true";
    var chosen = Array.prototype.map.call(chosenList.children, function (li) {
      return { key: li.dataset.key, label: li.textContent, id: li.dataset.id || "" };
    });
    var keys = document.createElement("input");
    keys.type = "hidden";
    keys.name = box.name;
    box.removeAttribute("name");
    picker.appendChild(keys);
    var results = document.createElement("ul");
    results.className = "picker-results list-group";
    results.setAttribute("role", "listbox");
    results.id = box.id + "-results";
    results.hidden = true;
    picker.appendChild(results);
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-controls", results.id);
    box.setAttribute("aria-expanded", "false");
    var matches = [];
    var active = -1;
    var timer = null;

    // `changed`: the person changed the choice (not the page setting it up),
    // which the pickers following this one hear as "picker:changed".
    function sync(changed) {
      var value = chosen.map(function (c) { return c.key; }).join(" ");
      // What a picker following this field reads (a typed key has no id).
      keys.dataset.ids = chosen.map(function (c) { return c.id; }).join(" ");
      var differs = keys.value !== value;
      if (differs) {
        keys.value = value;
        // A list's filter form refreshes its results on change (htmx).
        keys.dispatchEvent(new Event("change", { bubbles: true }));
      }
      chosenList.innerHTML = "";
      chosen.forEach(function (choice, index) {
        var li = document.createElement("li");
        li.className = "picker-chip d-flex align-items-center gap-1 mt-1";
        li.dataset.key = choice.key;
        var name = document.createElement("span");
        name.className = "me-auto";
        name.textContent = (multiple ? index + 1 + ". " : "") + choice.label;
        li.appendChild(name);
        if (multiple) {
          [["↑", -1, picker.dataset.moveUp], ["↓", 1, picker.dataset.moveDown]].forEach(function (move) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "btn btn-outline-secondary btn-sm py-0";
            button.textContent = move[0];
            button.setAttribute("aria-label", move[2] + " " + choice.label);
            button.disabled = index + move[1] < 0 || index + move[1] >= chosen.length;
            button.addEventListener("click", function () {
              var other = index + move[1];
              chosen[index] = chosen[other];
              chosen[other] = choice;
              sync(true);
            });
            li.appendChild(button);
          });
        }
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-outline-danger btn-sm py-0";
        remove.textContent = "×";
        remove.setAttribute("aria-label", picker.dataset.remove + " " + choice.label);
        remove.addEventListener("click", function () {
          chosen.splice(index, 1);
          sync(true);
        });
        li.appendChild(remove);
        chosenList.appendChild(li);
      });
      if (!multiple) {
        box.value = "";
        box.placeholder = chosen.length ? chosen[0].label : box.dataset.placeholder;
      }
      if (changed && differs) {
        picker.dispatchEvent(new CustomEvent("picker:changed", { bubbles: true, detail: { name: keys.name } }));
      }
    }

    // The field this picker follows changed its record: what was chosen here
    // for the former one goes (a followed <select> or box says so by "change").
    function followedChanged(name) {
      if (name !== picker.dataset.pickerFollows || !chosen.length) return;
      chosen = [];
      sync(true);
    }
    var form = picker.closest("form");
    if (picker.dataset.pickerFollows && form) {
      form.addEventListener("picker:changed", function (event) {
        followedChanged(event.detail.name.replace(/_key$/, ""));
      });
      form.addEventListener("change", function (event) {
        followedChanged(event.target.name);
      });
    }

    function show(list) {
      matches = list;
      active = list.length ? 0 : -1;
      results.innerHTML = "";
      list.forEach(function (match, index) {
        var li = document.createElement("li");
        li.className = "list-group-item list-group-item-action" + (index === active ? " active" : "");
        li.setAttribute("role", "option");
        li.textContent = match.label;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        results.appendChild(li);
      });
      results.hidden = !list.length;
      box.setAttribute("aria-expanded", list.length ? "true" : "false");
    }

    function highlight(index) {
      active = (index + matches.length) % matches.length;
      Array.prototype.forEach.call(results.children, function (li, i) {
        li.classList.toggle("active", i === active);
      });
    }

    function choose(index) {
      var match = matches[index];
      if (!match) return;
      var taken = chosen.some(function (c) { return c.key === match.key; });
      var choice = { key: match.key, label: match.label, id: String(match.id) };
      if (multiple) {
        if (!taken) chosen.push(choice);
      } else {
        chosen = [choice];
      }
      box.value = "";
      show([]);
      sync(true);
    }

    function searchUrl() {
      var id = picker.dataset.pickerFollows ? chosenId(picker.closest("form"), picker.dataset.pickerFollows) : "";
      return id ? picker.dataset.pickerFollowUrl.replace("{id}", encodeURIComponent(id)) : picker.dataset.picker;
    }

    box.dataset.placeholder = box.placeholder;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var text = box.value.trim();
      if (!text) return show([]);
      timer = setTimeout(function () {
        fetch(searchUrl() + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (answer) { return answer.ok ? answer.json() : { results: [] }; })
          .then(function (body) { if (box.value.trim() === text) show(body.results); });
      }, 200);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && matches.length) { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp" && matches.length) { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !results.hidden) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { show([]); }
    });
    box.addEventListener("blur", function () { setTimeout(function () { show([]); }, 150); });
    sync();
  }

  // The id of the one record chosen in the field `name` of `form`: a picker's
  // (its keys' box carries the ids) or a list's; "" if none or several.
  function chosenId(form, name) {
    if (!form) return "";
    var keys = form.querySelector("input[type=hidden][name='" + CSS.escape(name + "_key") + "']");
    if (keys) {
      var ids = (keys.dataset.ids || "").split(" ");
      return ids.length === 1 ? ids[0] : "";
    }
    var field = form.elements.namedItem(name);
    return field && /^[0-9]+$/.test(field.value) ? field.value : "";
  }

  function setUpAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".picker:not([data-ready])"), function (picker) {
      picker.dataset.ready = "true";
      setUp(picker);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUpAll(event.target); });
  document.addEventListener("formset:added", function (event) { setUpAll(event.target); });
})();
