// Suggestions for an organisation field: on an input with data-suggest-url, what is typed is
// sent (after a pause) to the directory's suggestion endpoint (members:organisation-suggest),
// and the organisations it returns fill a <datalist> linked to the input. The browser shows the
// list and announces it to screen readers as the input's own suggestions; the input keeps its
// label. Without JavaScript the field is a plain text box, and the server still finds the
// organisation from the name typed (events.forms.organisation_for_name).
"use strict";
{
    const DELAY_MS = 200;
    const MIN_LENGTH = 2;  // the endpoint suggests nothing for less

    const attach = (input) => {
        const list = document.createElement("datalist");
        list.id = `${input.id || input.name}-suggestions`;
        input.after(list);
        input.setAttribute("list", list.id);
        let timer = null;
        let request = null;
        let asked = "";

        const fill = (results) => {
            list.replaceChildren(...results.map((result) => {
                const option = document.createElement("option");
                option.value = result.name;
                // Shown beside the name: its acronyms and other-language name, which also
                // keep it in the list when that is what was typed.
                if (result.label) {
                    option.label = result.label;
                }
                return option;
            }));
        };

        const ask = async () => {
            const query = input.value.trim();
            if (query === asked) {
                return;
            }
            asked = query;
            request?.abort();
            request = null;
            if (query.length < MIN_LENGTH) {
                fill([]);
                return;
            }
            // A suggestion just chosen: nothing more to ask.
            if ([...list.options].some((option) => option.value === query)) {
                return;
            }
            const url = new URL(input.dataset.suggestUrl, window.location.href);
            url.searchParams.set("q", query);
            const controller = new AbortController();
            request = controller;
            try {
                // No cookies: public data, the same answer for everyone (and cacheable).
                const response = await fetch(url, {
                    signal: controller.signal,
                    credentials: "omit",
                    headers: {Accept: "application/json"},
                });
                if (!response.ok) {
                    return;  // too many requests or a fault: the field stays a text box
                }
                const data = await response.json();
                if (request === controller) {
                    fill(Array.isArray(data.results) ? data.results : []);
                }
            } catch {
                // Aborted by a newer query, or offline: keep what the list shows.
            }
        };

        input.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(ask, DELAY_MS);
        });
    };

    document.addEventListener("DOMContentLoaded", () => {
        document.querySelectorAll("input[data-suggest-url]").forEach(attach);
    });
}
