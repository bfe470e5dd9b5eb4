"""The LLM judge: two drafts of one brief in one style, asked twice with the
order swapped (judges favour a position), a JSON verdict with a short reason;
and the Bradley-Terry ranking of many such verdicts.

The judge's prompt is `prompts/judge.j2` (overridable per project), with the
style's own description; the brief and the drafts go in fenced as untrusted
data. Its calls go through the response cache and the call log like any other,
as structured output (`JUDGE_SCHEMA`) with the writer's step-down.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from generator.llm import Message, Request, json_answer
from generator.write.prompts import render_judge

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.config import Project
    from generator.drafts import Draft
    from generator.llm import Backend
    from generator.styles import Style

Outcome = Literal["a", "b", "tie"]  # which of the pair (a, b) the judge preferred
JUDGE_TOKENS = 400  # a letter and one sentence
JUDGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "winner": {"type": "string", "enum": ["A", "B", "tie"]},
        "reason": {"type": "string"},
    },
    "required": ["winner", "reason"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Verdict:
    """One question to the judge: the pair as shown (first, second) and its answer."""

    first: str
    second: str
    winner: Outcome  # in terms of the pair (a, b), whatever the order shown
    shown_winner: str  # "A", "B" or "tie": as the judge answered
    reason: str
    cost_usd: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Contestant:
    """A draft in a comparison, and the name it is ranked under."""

    name: str
    draft: Draft


class Judge:
    """Asks one judge model; `spent` is what it has cost so far."""

    def __init__(
        self,
        project: Project,
        backend: Backend,
        *,
        afford: Callable[[float], bool] = lambda cost: True,
    ) -> None:
        self.project = project
        self.backend = backend
        self.afford = afford  # asked with a call's cost bound before each call

    @property
    def model(self) -> str:
        return self.backend.model

    def pair(
        self, brief: Brief, style: Style, language: str, a: Contestant, b: Contestant
    ) -> list[Verdict] | None:
        """The pair asked in both orders (a first, then b first); None when the budget
        does not allow both questions."""
        orders = ((a, b), (b, a))
        messages = [
            render_judge(self.project, brief, style, language, first.draft, second.draft)
            for first, second in orders
        ]
        if not self.afford(sum(self._bound(m) for m in messages)):
            return None
        verdicts = []
        for (first, second), asked in zip(orders, messages, strict=True):
            completion = self.backend.complete(self._request(asked, brief, style, language))
            shown = str(completion.value["winner"]).upper()
            picked = first if shown == "A" else second if shown == "B" else None
            winner: Outcome = "tie" if picked is None else "a" if picked is a else "b"
            reason = " ".join(str(completion.value.get("reason", "")).split())[:300]
            verdicts.append(
                Verdict(
                    first.name,
                    second.name,
                    winner,
                    "tie" if shown == "TIE" else shown,
                    reason,
                    completion.usage.cost_usd,
                )
            )
        return verdicts

    def _request(
        self, messages: list[Message], brief: Brief, style: Style, language: str
    ) -> Request[dict[str, Any]]:
        return Request(
            kind="judge",
            messages=messages,
            parse=json_answer(JUDGE_SCHEMA),
            schema=JUDGE_SCHEMA,
            name="verdict",
            item=f"judge:{brief.effective_slug}:{style.name}",
            style=style.name,
            language=language,
            max_tokens=JUDGE_TOKENS,
        )

    def _bound(self, messages: list[Message]) -> float:
        return self.backend.cost_bound(
            Request(kind="judge", messages=messages, parse=str, max_tokens=JUDGE_TOKENS // 2)
        )


def self_agreement(pairs: Sequence[Sequence[Verdict]]) -> float | None:
    """The share of pairs whose two orders got the same answer."""
    asked = [p for p in pairs if len(p) == 2]
    return (
        None if not asked else round(sum(p[0].winner == p[1].winner for p in asked) / len(asked), 4)
    )


def bradley_terry(
    games: Sequence[tuple[Hashable, Hashable, float]], *, rounds: int = 200
) -> dict[Hashable, float]:
    """Strengths (summing to 1) from (a, b, score of a: 1, 0.5 or 0) games, by
    the minorization-maximization updates; a small prior keeps an unbeaten
    player finite."""
    players = sorted({p for a, b, _ in games for p in (a, b)}, key=str)
    if not players:
        return {}
    wins: dict[Hashable, float] = defaultdict(float)
    meetings: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for a, b, score in games:
        wins[a] += score
        wins[b] += 1 - score
        meetings[(a, b)] += 1
        meetings[(b, a)] += 1
    prior = 0.5  # one virtual tie against every other player
    for a in players:
        for b in players:
            if a != b:
                wins[a] += prior / 2
                meetings[(a, b)] += prior / 2
    strength = dict.fromkeys(players, 1.0 / len(players))
    for _ in range(rounds):
        updated = {}
        for a in players:
            denominator = sum(
                meetings[(a, b)] / (strength[a] + strength[b]) for b in players if b != a
            )
            updated[a] = wins[a] / denominator if denominator else strength[a]
        norm = sum(updated.values())
        strength = {p: v / norm for p, v in updated.items()}
    return strength


def ranking(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """A ranking of the names in `verdicts`: strength, wins, losses, ties, best first."""
    games: list[tuple[Hashable, Hashable, float]] = []
    tally: dict[str, dict[str, int]] = defaultdict(lambda: {"wins": 0, "losses": 0, "ties": 0})
    for v in verdicts:
        a, b = v.first, v.second
        winner = _winner_name(v)
        score = 0.5 if winner is None else 1.0 if winner == a else 0.0
        games.append((a, b, score))
        for name in (a, b):
            key = "ties" if winner is None else "wins" if winner == name else "losses"
            tally[name][key] += 1
    strengths = bradley_terry(games)
    order = sorted(tally, key=lambda n: (-strengths.get(n, 0.0), n))
    return {
        "order": order,
        "scores": {
            n: {
                "strength": round(strengths.get(n, 0.0), 4),
                "elo": _elo(strengths.get(n, 0.0), len(order)),
                **tally[n],
            }
            for n in order
        },
        "comparisons": len(verdicts),
    }


def _winner_name(v: Verdict) -> str | None:
    """The name the judge preferred in one verdict (None: a tie)."""
    if v.shown_winner == "A":
        return v.first
    if v.shown_winner == "B":
        return v.second
    return None


def _elo(strength: float, players: int) -> int:
    """A Bradley-Terry strength on the familiar Elo scale (1000 = average)."""
    if strength <= 0 or players == 0:
        return 0
    return round(1000 + 400 * math.log10(strength * players))
