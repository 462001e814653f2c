"""A digest of every match a checkout's matcher gives, to show a speed change changed nothing.

    python benchmarks/match_digest.py                      # this checkout
    python benchmarks/match_digest.py --checkout /tmp/newswatch-start   # another (issue 21 on)

Matches 2,088 articles against 3,000 bench_match rules plus one rule per sentence of the
labelled language set (tests/data/match_languages): 900 bench articles in their script's
language (en, ar, ru), 300 of unknown language, 300 declared uk, fr, tr, es, de or an
unanalysed language, and every labelled sentence in its language and of unknown language.
Two passes, so both a cold and a warm key memo are covered. Prints the article and match
counts and a SHA-1 of every match (rule, terms, snippet text and highlights, details):
two checkouts that print the same line matched and explained everything alike.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

from bench_match import Corpus  # beside this file: on the path
from newswatch.config.schema import RuleConfig
from newswatch.model import Article

HERE = Path(__file__).resolve().parent.parent

_CHILD = r"""
import gc, hashlib, json, sys
sys.path[:0] = [{src!r}, {here!r}]  # that checkout's newswatch, this one's corpus
from match_digest import articles_and_rules
from newswatch.match import Matcher

gc.set_threshold(50000, *gc.get_threshold()[1:])
articles, rules = articles_and_rules()
matcher = Matcher(rules)
out = []
for _ in range(2):  # a cold, then a warm key memo
    for article in articles:
        out.append([
            (m.rule, m.terms, m.snippet.text, [repr(h) for h in m.snippet.highlights], m.details)
            for m in matcher.match(article)
        ])
digest = hashlib.sha1(json.dumps(out, ensure_ascii=False, default=list).encode()).hexdigest()
print(len(articles), sum(map(len, out)), digest)
"""

_OTHER_LANGUAGES = ("uk", "fr", "tr", "es", "de", "xx")


def _script_language(text: str) -> str:
    if re.search("[\u0600-\u06ff]", text):
        return "ar"
    return "ru" if re.search("[\u0400-\u04ff]", text) else "en"


def articles_and_rules() -> tuple[list[Article], list[RuleConfig]]:
    """The articles and rules described above, the same whichever checkout matches them."""
    corpus = Corpus(11)
    raw = [corpus.article(n) for n in range(1500)]
    articles = [dataclasses.replace(a, language=_script_language(a.text)) for a in raw[:900]]
    articles += raw[900:1200]
    languages = _OTHER_LANGUAGES * 50
    articles += [
        dataclasses.replace(a, language=lang) for a, lang in zip(raw[1200:], languages, strict=True)
    ]
    rules = [corpus.rule(n) for n in range(3000)]
    for path in sorted((HERE / "tests/data/match_languages").glob("*.tsv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = [line for line in lines if line.strip() and not line.startswith("#")]
        for number, row in enumerate(rows):
            _, query, text = row.split("\t")
            rules.append(RuleConfig(name=f"{path.stem}{number}", query=query))
            url = f"https://n.example/{path.stem}/{number}"
            for lang in (path.stem, None):
                articles.append(
                    Article(url=url, canonical_url=url, title=text[:40], text=text, language=lang)
                )
    return articles, rules


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=HERE, help="default: this one")
    args = parser.parse_args()
    code = _CHILD.format(src=str(args.checkout.resolve() / "src"), here=str(HERE / "benchmarks"))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    print(out.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
