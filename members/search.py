"""The directory search, paged: a page's matches and their number from one query.

The order is Organisation.objects.search's: best rank (every word whole 0, at least from a
word's start 1, else inside a word 2), then the queryset's name order.

Each word of the query is one range scan of the token index (OrganisationSearchToken, an
index-only scan), grouped to one row per organisation with the best rank of that word in its
names; the words' groups are joined on the organisation (it must hold every word, and ranks by
its worst), and joined with the directory's own filters (public, kind, sector, province); the
matches are sorted by rank and name, and COUNT(*) OVER () counts them on the way. So one query
gives the page's ids and the count (before, a capped count and a walk per rank each read the
index again); one more loads the page's rows, and on PostgreSQL one EXPLAIN comes first:

Its estimate of each word's entries, by prefix and whole (from the table's statistics, no
scan), picks the shape of the query, so that none reads much more of the index than its answer
needs:
- a word much more common than the query's rarest (beside a number or an acronym, say) is not
  grouped over its thousands of entries: it is looked up for each organisation the others
  found (PROBED_RATIO);
- words so common that nearly every name holds them (អង្គការ, "organisation"), alone or beside
  one common word: sorting thousands of matches would cost more than walking the names in
  order until a page and the count's cap are found (WalkedSearch);
- words that many names hold whole (សុខភាព, "health", in one name of five): the first rank
  alone fills the page and reaches the count's cap, so it is walked too, and the other ranks'
  entries are never read (_whole_words_dense).

bench/search.py measures them at 50,000 organisations.
"""

import hashlib
import json
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Case, F, Min, OrderBy, Value, When
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from core.cache import cache_call_or
from core.text import INSIDE, WORD

from .models import Organisation, OrganisationSearchToken, search_query_words

# A word with this many times the entries of the query's rarest word is not grouped over all
# its entries: it is looked up in the other index (organisation, token) for each organisation
# the others found. Such a probe costs about what reading and grouping four entries does.
PROBED_RATIO = 4
# Words that each have at least this many entries (a Khmer word has two a name, a Latin one
# one) are walked in name order instead of sorted: so many names hold them that a page and the
# count's cap come after a short walk, while sorting every match would cost 100 ms at 50,000
# names. Less common words are not: the walk would meet their matches more rarely, or late
# (names sharing a first word sort together).
WALKED_ENTRIES = 40000
# A single word is walked too when the names holding it whole are at least this many, beyond
# the paginator's cap, so that the count stops in that rank (WalkedSearch.count_upto) ...
WALKED_WHOLE_MATCHES = 2000
# ... and a page of 30 is found within this many organisations checked in the index.
WALKED_PROBES = 2000
# How long a search's plan is kept in the shared cache (SearchResults._plan).
PLAN_SECONDS = 600


def word_entries(word):
    return OrganisationSearchToken.objects.filter(token__startswith=word)


def whole_word_entries(word):
    return OrganisationSearchToken.objects.filter(token=word, kind=WORD)


def word_matches(word):
    """The organisations with an index entry starting with `word`, one row each, with the best
    rank `word` has in their names (0 a whole word, 1 from a word's start, 2 inside a word)."""
    return (
        word_entries(word)
        .values("organisation_id")
        .annotate(
            rank=Min(
                Case(
                    When(kind=WORD, token=word, then=Value(0)),
                    When(kind__lt=INSIDE, then=Value(1)),
                    default=Value(2),
                )
            )
        )
        .order_by()
    )


class Estimate(NamedTuple):
    """PostgreSQL's estimates, from the tables' statistics (planning, no scan): each word's
    index entries by prefix (`entries`) and as a whole word (`whole`), and the number of
    organisations."""

    entries: list
    whole: list
    organisations: float


def estimate(words, using):
    """The Estimate of `words`' lookups, from one EXPLAIN; None elsewhere than PostgreSQL or
    when it cannot tell."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    lookups = [word_entries(word).values("pk") for word in words]
    lookups += [whole_word_entries(word).values("pk") for word in words]
    lookups.append(Organisation.objects.order_by().values("pk"))
    parts = [lookup.query.sql_with_params() for lookup in lookups]
    sql = " UNION ALL ".join(f"({part})" for part, _ in parts)
    params = [param for _, part_params in parts for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    append = _find_append(plan)
    nodes = append.get("Plans", []) if append else []
    if len(nodes) != len(lookups):
        return None
    rows = [node["Plan Rows"] for node in nodes]
    return Estimate(rows[: len(words)], rows[len(words) : -1], rows[-1])


def _find_append(node):
    """The plan's Append node (the UNION ALL), wherever the planner put it (it may wrap it in
    a Result or Subquery Scan)."""
    if node.get("Node Type") == "Append":
        return node
    for child in node.get("Plans", []):
        found = _find_append(child)
        if found:
            return found
    return None


class SearchResults:
    """A directory search's matches in the order of Organisation.objects.search, sliced like a
    list (by CappedPaginator or a suggestion list). A slice is one query that also counts every
    match: tell the results which slice comes first (expect()) and the paginator's count costs
    nothing more."""

    def __init__(self, queryset, query):
        self.queryset = queryset
        self.text = query
        self.words = search_query_words(query)
        self.ordering = list(queryset.query.order_by) or ["pk"]
        self.using = queryset.db
        self._total = None
        self._expected = (0, 0)
        self._windows = {}  # (start, stop) -> ids

    @cached_property
    def _plan(self):
        """("walk", ()) or ("join", the numbers of the words looked up per organisation): from
        the shared cache for PLAN_SECONDS, as the statistics it comes from change slowly and
        the plan changes only the speed, never the matches (the EXPLAIN and the querysets it
        plans cost about 3 ms of a search's page)."""
        if not self.words:
            return "join", ()
        digest = hashlib.sha256(repr([self.using, self.words]).encode()).hexdigest()
        key = f"directory-search-plan:{digest}"
        plan = cache_call_or(None, "get", key)
        if plan is None:
            plan = self._planned()
            cache_call_or(None, "set", key, plan, PLAN_SECONDS)
        return plan

    def _planned(self):
        """The plan from PostgreSQL's estimates (the module's docstring says which and why)."""
        estimated = estimate(self.words, self.using)
        if not estimated:
            return "join", ()
        entries = estimated.entries
        common = sorted(entries)
        # Every word very common, or all but one beside a common one (អង្គការ សហគមន៍): the
        # matches are as dense as that one's, and looking the others up per match would cost
        # more than walking.
        if common[0] >= WALKED_ENTRIES or (
            len(common) > 1 and common[1] >= WALKED_ENTRIES and common[0] >= WALKED_ENTRIES / 8
        ):
            return "walk", ()
        if _whole_words_dense(estimated):
            return "walk", ()
        rarest = entries.index(min(entries))
        probed = [
            number
            for number, count in enumerate(entries)
            if number != rarest and count >= PROBED_RATIO * max(entries[rarest], 1)
        ]
        return "join", tuple(probed)

    @cached_property
    def _walked(self):
        return WalkedSearch(self.queryset, self.text)

    def expect(self, start, stop):
        """The slice asked for next: the count is then read with it, in the same query."""
        self._expected = (start, stop)

    def count_upto(self, limit):
        """How many match, counting no further than `limit` (CappedPaginator's interface)."""
        if self._plan[0] == "walk":
            return self._walked.count_upto(limit)
        return min(self.total, limit)

    @property
    def total(self):
        if self._total is None:
            start, stop = self._expected
            self._fetch(start, max(stop, start + 1))
            if self._total is None:  # the expected slice lay past the last match
                self._fetch(0, 1)
        return self._total

    def __len__(self):
        return self.count_upto(CappedPaginator.cap + 1)

    def __getitem__(self, item):
        if self._plan[0] == "walk":
            return self._walked[item]
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop
        if stop is None:
            stop = self.total
        if stop <= start:
            return []
        ids = self._ids(start, stop)
        if not ids:
            return []
        rows = self.queryset.filter(pk__in=ids).in_bulk(ids)
        return [rows[pk] for pk in ids]

    def _ids(self, start, stop):
        for (first, last), ids in self._windows.items():
            # A window that came back short ended at the last match: it holds any later stop.
            if first <= start and (stop <= last or len(ids) < last - first):
                return ids[start - first : stop - first]
        return self._fetch(start, stop)

    def _fetch(self, start, stop):
        """The ids of matches start to stop, and the number of all matches when any came."""
        if self.words:
            ids, total = self._fetch_searched(start, stop)
        else:
            ids, total = self._fetch_unsearched(start, stop)
        if ids:
            self._total = total
        elif start == 0:
            self._total = 0
        self._windows[(start, stop)] = ids
        return ids

    def _fetch_unsearched(self, start, stop):
        # Nothing left of the query once normalised (punctuation only): every organisation.
        ids = list(self.queryset.values_list("pk", flat=True)[start:stop])
        return ids, self.queryset.order_by().count() if ids else 0

    def _fetch_searched(self, start, stop):
        connection = connections[self.using]
        columns, order_by = {}, []
        for number, item in enumerate(self.ordering):
            expression, descending = _order_expression(item)
            columns[f"search_order_{number}"] = expression
            order_by.append(f"m.search_order_{number}{' DESC' if descending else ''}")
        filtered = self.queryset.order_by().annotate(**columns).values("pk", *columns)
        try:
            sql, params = filtered.query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing (pk__in=[])
            return [], 0
        _, probed = self._plan
        selected, probes, probe_params, joins, join_params = [], [], [], [], []
        for number, word in enumerate(self.words):
            if number in probed:
                # NULL when the organisation has no such entry (then it is no match).
                probe = word_matches(word).filter(organisation_id=RawSQL("f.pk", ()))
                probe_sql, probe_sql_params = probe.values("rank").query.sql_with_params()
                selected.append(f"({probe_sql}) AS rank_{number}")
                probe_params.extend(probe_sql_params)
                probes.append(f"m.rank_{number} IS NOT NULL")
            else:
                join_sql, join_sql_params = word_matches(word).query.sql_with_params()
                joins.append(
                    f"INNER JOIN ({join_sql}) w{number} ON w{number}.organisation_id = f.pk"
                )
                join_params.extend(join_sql_params)
                selected.append(f"w{number}.rank AS rank_{number}")
        ranks = [f"m.rank_{number}" for number in range(len(self.words))]
        # The worst word's rank: GREATEST on PostgreSQL, the scalar MAX on SQLite.
        greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
        rank = ranks[0] if len(ranks) == 1 else f"{greatest}({', '.join(ranks)})"
        # OFFSET 0 keeps PostgreSQL from pulling the probes up into WHERE and ORDER BY, where
        # each would run twice.
        fence = " OFFSET 0" if probes and connection.vendor == "postgresql" else ""
        query = (
            f"SELECT m.pk, COUNT(*) OVER () FROM (SELECT f.*, {', '.join(selected)} "
            f"FROM ({sql}) f {' '.join(joins)}{fence}) m "
            f"{'WHERE ' + ' AND '.join(probes) if probes else ''} "
            f"ORDER BY {rank}, {', '.join(order_by)} LIMIT %s OFFSET %s"
        )
        if connection.vendor == "postgresql":
            # Parallel workers cost more than they save here, on a web server serving others
            # (the planner picks them for the grouped scans). LOCAL: this statement only.
            query = f"SET LOCAL max_parallel_workers_per_gather = 0; {query}"
        with connection.cursor() as cursor:
            cursor.execute(query, (*probe_params, *params, *join_params, stop - start, start))
            rows = cursor.fetchall()
        return [pk for pk, _ in rows], rows[0][1] if rows else None


def _whole_words_dense(estimated):
    """Names holding the one word whole (the first rank) are many and dense enough to walk: the
    page fills within WALKED_PROBES organisations, and the count reaches the paginator's cap
    within that rank, so the walk never reads the other ranks' entries (សុខភាព, "health", in
    one name of five: every entry joined, grouped and sorted took 30 ms at 50,000 names)."""
    if len(estimated.whole) != 1:
        # Two words each common may rarely stand together: the walk would then check every
        # name before its page is full. Such queries keep the rules above.
        return False
    organisations = max(estimated.organisations, 1)
    (whole,) = estimated.whole
    return whole >= WALKED_WHOLE_MATCHES and whole >= organisations * 30 / WALKED_PROBES


def _order_expression(item):
    if isinstance(item, str):
        return F(item.removeprefix("-")), item.startswith("-")
    if isinstance(item, OrderBy):
        return item.expression, item.descending
    return item, False


class WalkedSearch:
    """The matches of words nearly every name holds, paged by walking the names in order: each
    rank in turn (OrganisationQuerySet.search_tiers), in name order, checking each organisation
    in the token index until the page is full; the count stops at the paginator's cap. On
    PostgreSQL the walk reads the index of public Khmer names (migration 0006)."""

    def __init__(self, queryset, query):
        self.queryset = queryset
        self.tiers = queryset.order_by().search_tiers(query)
        self.ordering = queryset.query.order_by
        self._counts = {}

    def count_upto(self, limit):
        if limit not in self._counts:
            # The first rank alone first: when it reaches the limit, all matches do, and it is
            # read in organisation order from two indexes (a merge join that stops at the
            # limit), where all matches would hash every entry of every word.
            counted = self.tiers[0].order_by().values("pk")[:limit].count()
            if counted < limit and len(self.tiers) > 1:
                counted = self.tiers.matches.order_by().values("pk")[:limit].count()
            self._counts[limit] = counted
        return self._counts[limit]

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop
        # Known exactly when the paginator counted fewer than its cap: no walk past the end.
        known = [count for limit, count in self._counts.items() if count < limit]
        end = min([stop, *known]) if stop is not None else min(known, default=None)
        if end is None:
            end = self.count_upto(CappedPaginator.cap + 1)
        # The rows themselves, as the walk meets them: the walk reads each row anyway (the
        # directory's own filters), so a second query for the page's rows by id would only
        # repeat it.
        rows = []
        offset = 0  # where the current rank starts among all matches
        for number in range(len(self.tiers)):
            if start + len(rows) >= end:
                break
            tier = self.tiers[number]  # built only when the walk reaches it
            first = max(start - offset, 0) if not rows else 0
            found = list(tier.order_by(*self.ordering)[first : end - offset])
            rows.extend(found)
            if found:
                offset += first + len(found)
            elif first:
                offset += tier.order_by().values("pk")[:first].count()
        return rows


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows: a search matching tens of thousands of names is not paged
    to the last one. `is_capped`: there are more than `cap` (the page says "more than 1,000");
    the pages then stop at the cap. A search's count comes with its page (SearchResults)."""

    cap = 1000

    def page(self, number):
        if isinstance(self.object_list, SearchResults):
            try:
                first = (max(int(number), 1) - 1) * self.per_page
            except (TypeError, ValueError):
                first = 0
            self.object_list.expect(first, first + self.per_page + self.orphans)
        return super().page(number)

    @cached_property
    def is_capped(self):
        return self._counted > self.cap

    @cached_property
    def _counted(self):
        if isinstance(self.object_list, SearchResults):
            return self.object_list.count_upto(self.cap + 1)
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self):
        return min(self._counted, self.cap)
