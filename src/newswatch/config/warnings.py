"""What a valid config may say without meaning it: reported by ``check`` (exit 0) and
logged by the daemon at start and on reload, never refused.

- a rule without ``notify:`` alerts nobody. Such rules are legitimate (``newswatch match``,
  backtests, the coming dashboard), so this is a warning, not an error;
- a lower-case ``and``/``or``/``not``/``near`` is an ordinary word (operators are upper
  case, as in Lucene): ``idlib and (shelling or airstrike)`` asks for five words at once.
  The meaning is not changed behind the user's back; the warning gives the fix.
"""

from __future__ import annotations

import re

from newswatch.config.schema import Config, RuleConfig
from newswatch.errors import QueryError

_LOWER_OPERATOR = re.compile(r"(?:and|or|not|near(?:/\d+)?)", re.IGNORECASE)


def config_warnings(config: Config) -> list[str]:
    """One ``rules[i].key (name): what and the fix`` per finding, in rule order."""
    found: list[str] = []
    for i, rule in enumerate(config.rules):
        where = f"rules[{i}]"
        if not rule.notify:
            found.append(
                f"{where}.notify ({rule.name}): no notify: list, so this rule alerts nobody "
                "(fine for a rule used only with `newswatch match`; add notify: [channel] "
                "to be alerted)"
            )
        found += [f"{where}.query ({rule.name}): {w}" for w in lowercase_operators(rule)]
    return found


def lowercase_operators(rule: RuleConfig) -> list[str]:
    """A warning per lower- or mixed-case operator word outside phrases."""
    from newswatch.match.lexer import lex  # late import: match depends on config types

    try:
        lexemes = lex(rule.query)
    except QueryError:
        return []  # a syntax error is reported as an error already
    found = []
    for lexeme in lexemes:
        word = lexeme.text
        if lexeme.kind == "WORD" and _LOWER_OPERATOR.fullmatch(word) and not word.isupper():
            fix = word.upper()
            if fix == "NEAR":
                fix = "NEAR/5"
            found.append(
                f"col {lexeme.col}: {word!r} is read as a word to find, not as an operator "
                f"(operators are upper case): write {fix} to combine terms, or "
                f'"{word}" to search for the word'
            )
    return found
