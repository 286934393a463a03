"""Long Khmer names in narrow places break between words only: the networks table on a
phone (375 px) and the month grid on a small laptop (1024 px), in Khmer.

Names carry zero-width spaces between words (|khmer_wrap); with overflow-wrap:anywhere gone,
the browser may break there and nowhere else. For every word (the text between two zero-width
spaces or spaces) we ask the browser for the boxes of its glyphs: one line box per word.
"""

from tests.browser.conftest import ARTIFACTS

# For each word of the text under `selector`: its text and the number of lines it is drawn on.
WORD_LINES = """(selector) => {
    const words = [];
    for (const element of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.data.matchAll(/[^\\s\\u200b]+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set(
                    [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))
                );
                words.push({word: match[0], lines: tops.size});
            }
        }
    }
    return words;
}"""

# How many of the elements under `selector` take more than one line.
WRAPPED = """(selector) => [...document.querySelectorAll(selector)].filter(element => {
    const style = getComputedStyle(element);
    const line = parseFloat(style.lineHeight);
    return element.getBoundingClientRect().height > line * 1.5;
}).length"""


def words_split_across_lines(page, selector):
    words = page.evaluate(WORD_LINES, selector)
    assert words, f"no text under {selector}"
    return [item["word"] for item in words if item["lines"] > 1]


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_networks_table_on_a_phone_breaks_khmer_names_between_words_only(site, page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{site}/km/networks/")
    page.evaluate("document.fonts.ready")
    page.locator("#network-table").scroll_into_view_if_needed()
    shoot(page, "networks-table-km-375")
    table = "table[aria-labelledby='network-table']"
    cells = f"{table} tbody th, {table} tbody td"
    assert words_split_across_lines(page, cells) == []
    # The names do wrap at this width (or the test would prove nothing): at word boundaries.
    assert page.evaluate(WRAPPED, cells) > 0
    # ... and the table fits the phone: no sideways scrolling to read the last column.
    assert page.evaluate(
        "(t) => t.scrollWidth <= t.parentElement.clientWidth", page.locator(table).element_handle()
    )


def test_month_grid_at_1024_breaks_khmer_titles_between_words_only(site, page):
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(f"{site}/km/events/2023/10/")
    page.evaluate("document.fonts.ready")
    shoot(page, "calendar-grid-km-1024")
    assert words_split_across_lines(page, ".calendar-grid .calendar-event") == []
    assert page.evaluate(WRAPPED, ".calendar-grid .calendar-event") > 0
