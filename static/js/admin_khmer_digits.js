// On a Khmer admin page, Django's scripts write numbers with Latin digits as staff work: the
// "2 of 11 selected" counter, the calendar and clock pop-ups, the "#3" of a new inline row.
// Rewrite the text (never input values) of those places in Khmer digits, now and on change.
"use strict";
{
    const khmer = "០១២៣៤៥៦៧៨៩";
    const places = [
        ".action-counter", ".actions .all", ".actions .question",
        ".calendarbox", ".clockbox", ".inline_label",
    ].join(", ");
    const localiseText = (root) => {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.nodeValue.replace(/[0-9]/g, (digit) => khmer[digit]);
            if (text !== node.nodeValue) {
                node.nodeValue = text;
            }
        }
    };
    const localiseAll = () => document.querySelectorAll(places).forEach(localiseText);
    document.addEventListener("DOMContentLoaded", () => {
        localiseAll();
        // The observer's callback runs as a microtask, straight after the script that wrote
        // the digits and before the page is painted or read, so Latin digits are never seen.
        // Its own rewrite queues one more pass, which finds nothing left to change.
        new MutationObserver(localiseAll).observe(
            document.body, {childList: true, characterData: true, subtree: true},
        );
    });
}
