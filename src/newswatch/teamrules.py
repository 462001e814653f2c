"""The rules in force: the config file's, plus the team rules editors keep in the state.

:class:`LiveRules` is the one holder of the current :class:`RuleSet` in a process. Its
``current`` is replaced whole, in one assignment, whenever either half changes: SIGHUP
brings a new file rule set (:meth:`LiveRules.use_file`), and a team rule saved in the
dashboard, here or in another process, raises the state's revision, which
:meth:`LiveRules.refresh` notices (the daemon asks every few seconds). A poll reads
``current`` once, at its start, as it did with the file's rules alone.

A team rule is checked as ``check`` checks the file (``rulecheck.check_added_rule``). One that
the file's config no longer accepts (its channel was removed, a file rule took its name)
is left out and reported in ``refused``, never allowed to block a config reload.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from newswatch.config import RuleConfig
from newswatch.errors import NewswatchError
from newswatch.rulecheck import check_added_rule
from newswatch.ruleset import RuleSet
from newswatch.store.team_rules import TeamRule, TeamRuleRepo

log = logging.getLogger("newswatch.teamrules")


class TeamRuleError(NewswatchError):
    """A team rule that does not pass the check; ``problems`` as ``check`` words them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class LiveRules:
    def __init__(self, repo: TeamRuleRepo, file_rules: RuleSet) -> None:
        self.repo = repo
        self.file = file_rules
        self.current = file_rules  # swapped whole; readers take it once
        self.team: tuple[TeamRule, ...] = ()
        self.refused: Mapping[str, list[str]] = {}
        self.revision = -1
        self._lock = threading.Lock()
        self._combine()

    @property
    def team_names(self) -> frozenset[str]:
        return frozenset(r.name for r in self.team) - set(self.refused)

    def use_file(self, file_rules: RuleSet) -> None:
        """SIGHUP: the config file's new rule set, with the team rules on top."""
        with self._lock:
            self.file = file_rules
            self._combine()

    def refresh(self) -> bool:
        """Take the team rules again when the state's revision moved; True when it did."""
        if self.repo.revision() == self.revision:
            return False
        with self._lock:
            before = self.revision
            self._combine()
        if self.revision != before:
            log.info(
                "team rules changed (revision %d): %d in force%s",
                self.revision,
                len(self.team_names),
                f", {len(self.refused)} refused" if self.refused else "",
            )
        return self.revision != before

    def check(self, raw: Any, editing: str = "") -> tuple[RuleConfig | None, list[str]]:
        """``raw`` (a rule's mapping) as it would be saved in place of team rule ``editing``."""
        taken = self._taken(exclude=editing)
        return check_added_rule(raw, self.file.checked(), taken)

    def save(self, raw: Any, user: str, at: datetime, editing: str = "") -> RuleConfig:
        """Check, store and put in force at once; raises TeamRuleError when invalid."""
        rule, problems = self.check(raw, editing)
        if rule is None:
            raise TeamRuleError(problems)
        # Stored as given (it passed the check), so the export is what was checked.
        self.repo.save(dict(raw), user, at, renamed=editing)
        self.refresh()
        return rule

    def remove(self, name: str, user: str, at: datetime) -> bool:
        gone = self.repo.remove(name, user, at)
        self.refresh()
        return gone

    def _taken(self, exclude: str = "") -> dict[str, str]:
        taken = {r.name: f"rules[{n}] of the config" for n, r in enumerate(self.file.config.rules)}
        for rule in self.team:
            if rule.name != exclude:
                taken.setdefault(rule.name, "a team rule")
        return taken

    def _combine(self) -> None:
        """Under the lock: read the team rules, check each beside the file's, swap."""
        revision, stored = self.repo.revision(), self.repo.all()
        config, checked = self.file.config, self.file.checked()
        taken = {r.name: f"rules[{n}] of the config" for n, r in enumerate(config.rules)}
        accepted: list[RuleConfig] = []
        refused: dict[str, list[str]] = {}
        for team_rule in stored:
            rule, problems = check_added_rule(team_rule.body, checked, taken)
            if rule is None:
                refused[team_rule.name] = problems
                log.error("team rule %s left out: %s", team_rule.name, "; ".join(problems))
                continue
            taken[rule.name] = "a team rule"
            accepted.append(rule)
        current = self.file
        if accepted:
            try:
                current = self.file.plus(accepted)
            except (NewswatchError, OSError, ValueError) as exc:  # e.g. an unreadable gazetteer
                log.error("team rules left out, the rule set did not build: %s", exc)
        self.team, self.refused, self.revision = tuple(stored), refused, revision
        self.current = current


__all__ = ["LiveRules", "TeamRuleError"]
