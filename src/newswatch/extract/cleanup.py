"""Precision rules applied to the chosen body text (one paragraph per line).

Both rules remove what a reader does not count as the article: the headline repeated at the
top (it is the ``title`` field already), and the "Related stories" / "Comments" sections that
follow the last paragraph on most news sites.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"\w+")
# The headline is repeated within the first lines only (after a kicker or a date at most).
_TITLE_WINDOW = 3
# A section heading after which the rest of the page is not the article. "Comments" is
# also matched in the languages we serve and with its count ("Комментарии (3)"): pages whose
# text is separated by <br> only get comment threads scoped with the article.
_TRAILER = re.compile(
    r"""^[-•*\s]*(
        related(\ (stories|articles|content|posts|coverage|videos|links))?
      | you\ (might|may)\ also\ like | more\ from\ .{0,40} | recommended(\ for\ you|\ stories)?
      | most\ (popular|read|viewed) | trending(\ now)? | more\ stories | further\ reading
      | sponsored(\ content|\ stories)? | featured(\ slide\ shows|\ stories|\ videos)?
      | recent\ slide\ shows | popular\ on\ .{0,40} | around\ the\ web
      | (comments | комментарии | коментарі | kommentare | commentaires | comentarios
        | comentários | commenti | komentarze | komentáře | yorumlar | reacties | تعليقات
        | التعليقات)(\ \(\d+\))?
      | what\ to\ read\ next | read\ next | up\ next | more\ (news|articles|videos)
      | top\ stories | latest\ news
    )[:.]?$""",
    re.IGNORECASE | re.VERBOSE,
)
# Such a heading ends the article only once most of the text is behind it; earlier it is
# more likely an in-article box, and cutting there would lose the story.
_TRAILER_AFTER_SHARE = 0.5


# A byline line at the top ("By Rania Haddad · 27 Nov 2026"): the authors field has it.
# Capitalised names right after "By" tell it from prose such as "By the time …".
_BYLINE_WORDS = frozenset(
    {"By", "BY", "Von", "Par", "Por", "Door", "Di", "Автор:", "بقلم:", "بقلم"}
)
_BYLINE_JOINERS = frozenset({"and", "und", "et", "y", "&", "en", "e"})
_BYLINE_SEPARATORS = re.compile(r"\s[·|•–—-]\s|,\s|\s\|")
_BYLINE_MAX = 100


def clean_body(lines: list[str], title: str) -> list[str]:
    return cut_trailer(drop_byline(drop_repeated_title(lines, title)))


def drop_byline(lines: list[str]) -> list[str]:
    head = [line for line in lines[:_TITLE_WINDOW] if not _is_byline(line.strip())]
    return head + lines[_TITLE_WINDOW:]


def _is_byline(line: str) -> bool:
    if len(line) > _BYLINE_MAX:
        return False
    words = _BYLINE_SEPARATORS.split(line, maxsplit=1)[0].split()
    if len(words) < 2 or words[0] not in _BYLINE_WORDS:
        return False
    names = [w for w in words[1:] if w not in _BYLINE_JOINERS]
    return bool(names) and len(names) <= 8 and all(w[:1].isupper() for w in names)


def drop_repeated_title(lines: list[str], title: str) -> list[str]:
    wanted = _key(title)
    if not wanted:
        return lines
    head = [line for line in lines[:_TITLE_WINDOW] if _key(line) != wanted]
    return head + lines[_TITLE_WINDOW:]


def cut_trailer(lines: list[str]) -> list[str]:
    total = sum(len(line) for line in lines)
    seen = 0
    for i, line in enumerate(lines):
        if seen > _TRAILER_AFTER_SHARE * total and _TRAILER.match(line.strip()):
            return lines[:i]
        seen += len(line)
    return lines


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))
