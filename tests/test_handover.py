"""The worker hand-over's split of a poll's new entries: its own site's, the others'."""

from __future__ import annotations

from newswatch.fetch.politeness import origin_key, origin_of
from newswatch.handover import split_by_site
from newswatch.model import Entry

SITE = origin_key(origin_of("https://levant.example/feed.xml"))


def test_a_long_feed_splits_into_both_sides_each_in_feed_order() -> None:
    hosts = ["https://levant.example", "https://other.example", "https://LEVANT.example:443"]
    entries = [Entry(f"{hosts[i % 3]}/news/{i}.html", "hub") for i in range(3000)]
    here, elsewhere = split_by_site(entries, SITE)
    assert here == [e for i, e in enumerate(entries) if i % 3 != 1]
    assert elsewhere == entries[1::3]


def test_another_scheme_or_port_of_the_same_host_is_another_site() -> None:
    entries = [
        Entry("http://levant.example/a.html", "hub"),
        Entry("https://levant.example:8443/b.html", "hub"),
        Entry("https://levant.example/c.html", "hub"),
    ]
    assert split_by_site(entries, SITE) == (entries[2:], entries[:2])


def test_equal_entries_stay_on_their_side_as_often_as_listed() -> None:
    twice = Entry("https://other.example/x.html", "hub")
    own = Entry("https://levant.example/y.html", "hub")
    assert split_by_site([twice, own, twice], SITE) == ([own], [twice, twice])
