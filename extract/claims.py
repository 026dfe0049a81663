"""Claims: who asserted what about whom, with exact spans for the content and the cue.

Sieves, in the spirit of CoreNLP's quote attribution (quote → mention → speaker); every word list
and pattern is data (``extract/data/cues.jsonl``, ``claim_rules.json``):

1. **Cues**: a cue word outside quotation marks with a speaker before it: an entity mention with
   only ``speaker_gap_pieces`` material in between (not after a preposition: ``向 X 提出``), a pronoun
   resolved to the nearest compatible entity, the first person (the author, or the poster), or, for a
   clause with no subject, the speaker of the sentence's previous cue or the topic of the previous
   clause. The content is the quotation that follows, or the clause to the end of the sentence, cut
   where the next speaker begins; a colon ending the paragraph opens a block of the speaker's
   paragraphs; the next sentences stay the speaker's while they speak in the first or second person.
   A cue ending a sentence takes the quotation just before it (“…”，X 表示。), or echoes the claim
   before it (X 也附和). An unnamed speaker (有议员问) attributes nothing but keeps the writer from
   being credited with the words that follow.
2. **Posts**: a short forum post's own lines (not what it quotes) are its poster's, split where the
   claim type changes; the quoted poster is the addressee. A long post (an article pasted in) is left
   to the other sieves with the poster as its author.
3. **Stance**: the writer's own stance markers (恐怕, 显然…) outside anyone's words.

Each claim's type comes from its cue, refined by content keywords when the cue is neutral; its
targets are the entities named inside it (the speaker too when an organisation says 我们) and the
addressee. A claim with no target is not kept (GUIDELINES.md).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401 - registers Doc._ attributes
from .anaphors import Anaphor, anaphor_target, anaphors
from .anchored import find_anchored
from .lexicon import data_path, expand_placeholders, read_jsonl
from .mentions import Ment
from .records import AUTHOR, Claim, Post
from .scripts import to_simplified
from .turns import find_turns

ZERO_SUBJECT = ("", None, None)
"""Marks a cue whose clause has no subject of its own (``，并透露…``)."""
DOCUMENT = ("", -1, None)
"""A document speaks (``公告说``): whoever issued it, the last speaker before it (``ClaimFinder._issuer``)."""
OWNER = re.compile(r"(?:的|發布的|发布的|公布的|提交的|提出的)?[^，,。！？；\s]{0,6}")
"""What may stand between a document's owner and its word (国安局的年度报告, 中心发布的技术分析报告)."""
COLON = re.compile("[：:]")
QUOTED_OPENING = 8
"""Characters of a quoted post's first line looked for in its poster's posts, to tell it is one of them."""
OFFICIAL = re.compile("负责人|負責人|发言人|發言人|官员|官員|高管|代表")
"""An unnamed official between an organisation and the cue: who speaks is the organisation."""
SPACED_CLAUSE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff])")
"""Spaces between Chinese characters: in posts (PTT, forums typed without stops) they part clauses."""
CLAUSE_LEAD = re.compile("[：:，,道称稱说說]")
"""What opens the words of a ``clause`` cue: a break, or a verb of saying after it (介绍说)."""
SPEAKER_NOUN_PHRASE = re.compile(r"[\s，,]*[^，,。！？；;:：\n“”「」]{0,20}")
OUTLET_TAG = re.compile(r"\s*(?:【[^】\n]{1,30}】\s*)?")
_SAYS = ("称", "稱", "说", "說", "指出", "显示", "顯示")
"""Cue endings that stay verbs after a noun: ``X的报道称`` says, where ``X的强烈反对`` is a noun."""
_ANY = re.compile(".*", re.DOTALL)
"""Matched between two offsets, it gives a cue found by position a ``re.Match`` like the others."""


@dataclass(frozen=True, slots=True)
class Cue:
    """An attribution word, the claim type it suggests, and what its object is."""

    word: str
    type: str
    object: str | None
    refine: bool = True
    """Whether the content may refine a neutral type (not for the wording of rules: 规定)."""
    clause: bool = False
    """Whether the words must follow a break (``介绍，…``, ``回答说…``): the cue is also a verb with a plain
    object (``介绍了新产品``), which says nothing."""


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything of ``claim_rules.json`` and ``cues.jsonl``, compiled once."""

    cues: dict[str, Cue]
    cue_regex: re.Pattern[str]
    gap: re.Pattern[str]
    content_lead: re.Pattern[str]
    pronouns: dict[str, tuple[str, ...]]
    pronoun_regex: re.Pattern[str]
    first_person: tuple[str, ...]
    sentence_end: str
    quote_pairs: dict[str, str]
    min_quote_chars: int
    max_antecedent_distance: int
    type_keywords: tuple[tuple[str, re.Pattern[str]], ...]
    not_cues: re.Pattern[str]
    bare_cue_followers: str
    prepositions: str
    location_prepositions: str
    speech_voice: re.Pattern[str]
    max_block_paragraphs: int
    max_post_chars: int
    unnamed_speaker: re.Pattern[str]
    echo_cues: frozenset[str]
    self_reference: re.Pattern[str]
    addressee_tail: re.Pattern[str]
    object_marker: re.Pattern[str]
    ignore_line: re.Pattern[str]
    stance: re.Pattern[str]
    not_stance: re.Pattern[str]
    max_heading_chars: int
    coordinator: re.Pattern[str]
    sides: re.Pattern[str]
    nominal: re.Pattern[str]
    short_gap: re.Pattern[str]
    clause_opening: re.Pattern[str]
    demonstratives: tuple[str, ...]
    role_before: re.Pattern[str]
    titled: re.Pattern[str]
    spokesperson_words: tuple[str, ...]
    spokesperson_opening: re.Pattern[str]
    spokesperson_distance: int
    asked: re.Pattern[str]
    byline: re.Pattern[str]
    documents: frozenset[str]
    """Words for a document (公告, 聲明, 起訴書) that speak for whoever issued it."""
    prosecution: frozenset[str]
    """Words for the prosecution (控方, 检方; simplified) that speak as the prosecutors' office named."""
    prosecutors: tuple[str, ...]
    """What a prosecutors' office's name holds (律政司, 检察; simplified)."""
    occasion: re.Pattern[str]
    """An occasion of speaking, then a cue (``被問及此事時表示``): a question word in it asks nothing."""
    anaphors: tuple[Anaphor, ...]
    """Words that refer back to an entity (``公司``, ``新规``): a claim naming none may be about one."""


def speaker_gap(data: dict) -> str:
    """What may stand between a speaker's name and the cue: any run of the named gap pieces."""
    pieces = "|".join(piece["pattern"] for piece in data["speaker_gap_pieces"])
    return expand_placeholders(f"(?:{pieces})*")


@lru_cache(maxsize=1)
def rules() -> Rules:
    """Load and compile the claim rules shipped in ``extract/data``."""
    data = json.loads(data_path("claim_rules.json").read_text(encoding="utf-8"))
    cues = {
        row["cue"]: Cue(
            row["cue"], row["type"], row.get("object"), row.get("refine", True), row.get("clause", False)
        )
        for row in read_jsonl(data_path("cues.jsonl"))
    }
    words = sorted(cues, key=len, reverse=True)
    refs = sorted([*data["pronouns"], *data["first_person"]], key=len, reverse=True)
    return Rules(
        cues=cues,
        cue_regex=re.compile("|".join(map(re.escape, words))),
        gap=re.compile(speaker_gap(data) + r"$"),
        content_lead=re.compile(data["content_lead"]),
        pronouns={k: tuple(v) for k, v in data["pronouns"].items()},
        pronoun_regex=re.compile("(?:" + "|".join(map(re.escape, refs)) + r")$"),
        first_person=tuple(data["first_person"]),
        sentence_end=data["sentence_end"],
        quote_pairs=dict(data["quote_pairs"]),
        min_quote_chars=int(data["min_quote_chars"]),
        max_antecedent_distance=int(data["max_antecedent_distance"]),
        type_keywords=tuple((t, re.compile(p)) for t, p in data["type_keywords"]),
        not_cues=re.compile("|".join(map(re.escape, sorted(data["not_cues"], key=len, reverse=True)))),
        bare_cue_followers=data["bare_cue_followers"],
        prepositions=data["prepositions"],
        location_prepositions=data["location_prepositions"],
        speech_voice=re.compile(data["speech_voice"]),
        max_block_paragraphs=int(data["max_block_paragraphs"]),
        max_post_chars=int(data["max_post_chars"]),
        unnamed_speaker=re.compile(f"(?:{'|'.join(data['unnamed_speakers'])}){speaker_gap(data)}$"),
        echo_cues=frozenset(data["echo_cues"]),
        self_reference=re.compile(data["self_reference"]),
        addressee_tail=re.compile(data["addressee_tail"]),
        object_marker=re.compile(
            "(?:" + "|".join(map(re.escape, data["object_markers"])) + r")[^，,。]{0,10}$"
        ),
        ignore_line=re.compile("|".join(data["ignore_lines"])),
        stance=re.compile("|".join(map(re.escape, sorted(data["stance_markers"], key=len, reverse=True)))),
        not_stance=re.compile("|".join(map(re.escape, data["not_stance"]))),
        max_heading_chars=int(data["max_heading_chars"]),
        coordinator=re.compile(expand_placeholders(data["coordinator"])),
        sides=re.compile("|".join(map(re.escape, data["sides"]))),
        nominal=re.compile(data["nominal_before"] + "$"),
        short_gap=re.compile(expand_placeholders(data["short_gap"])),
        clause_opening=re.compile(data["clause_opening"]["pattern"]),
        demonstratives=tuple(data["demonstratives"]),
        role_before=re.compile(expand_placeholders("(?:[ROLE])$")),
        spokesperson_words=tuple(data["spokesperson"]["words"]),
        spokesperson_distance=int(data["spokesperson"]["max_distance"]),
        asked=re.compile(data["spokesperson"]["asked"]),
        spokesperson_opening=re.compile(
            data["spokesperson"]["before"]
            + "(?P<word>"
            + "|".join(map(re.escape, data["spokesperson"]["words"]))
            + ")"
        ),
        titled=re.compile(expand_placeholders(r"[^，,。！？；\s]{0,6}?(?:[ROLE])\s?")),
        byline=re.compile(data["byline"] + "$"),
        documents=frozenset(data["document_speakers"]),
        prosecution=frozenset(data["prosecution"]["words"]),
        prosecutors=tuple(data["prosecution"]["offices"]),
        occasion=re.compile(expand_placeholders(_piece(data, "responding") + r"\s?[LINK]\s?[CUE]")),
        anaphors=anaphors(data["anaphors"]),
    )


def _piece(data: dict, name: str) -> str:
    return next(piece["pattern"] for piece in data["speaker_gap_pieces"] if piece["name"] == name)


def find_quotes(text: str, pairs: dict[str, str]) -> list[tuple[int, int]]:
    """Top-level quotation spans ``(open mark, close mark + 1)``, not crossing paragraphs.

    >>> find_quotes("他说：“你好，世界。”然后走了", {"“": "”"})
    [(3, 11)]
    """
    quotes = []
    i = 0
    while i < len(text):
        close = pairs.get(text[i])
        if close is None:
            i += 1
            continue
        depth, j = 0, i + 1
        while j < len(text) and text[j] != "\n":
            if text[j] == close and depth == 0:
                break
            if close != text[i] and text[j] == text[i]:
                depth += 1
            elif text[j] == close:
                depth -= 1
            j += 1
        if j < len(text) and text[j] == close:
            quotes.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    return quotes


def sentence_bounds(text: str, start: int, quotes: list[tuple[int, int]], ends: str) -> int:
    """End of the sentence that runs from ``start``: past its final mark, never inside a quote."""
    i = start
    while i < len(text):
        inside = _containing(quotes, i)
        if inside is not None:
            i = inside[1]
            if i < len(text) and text[i - 1] in "”」』" and i - 2 >= 0 and text[i - 2] in "。！？!?":
                return i
            continue
        if text[i] in ends:
            return i + 1 if text[i] != "\n" else i
        i += 1
    return len(text)


def _containing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    k = bisect_left(spans, (pos + 1,)) - 1
    if k >= 0 and spans[k][0] <= pos < spans[k][1]:
        return spans[k]
    return None


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim white space, quotation marks and a leading comma off ``[start, end)``."""
    while start < end and (text[start].isspace() or text[start] in '“「『"，,：:'):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in '”」』"，,'):
        end -= 1
    return start, end


def claim_type(base: str, content: str) -> str:
    """The claim type: a non-neutral cue decides, else the first content rule that fires.

    >>> claim_type("statement", "他们偷窃了我们的技术")
    'accusation'
    >>> claim_type("statement", "你怎么看这件事？")
    'question'
    >>> claim_type("denial", "没有这回事")
    'denial'
    """
    if base != "statement":
        return base
    for type_, regex in rules().type_keywords:
        if regex.search(content):
            return type_
    return "statement"


class ClaimFinder:
    """Runs the sieves over one document (its ``plain`` text and resolved mentions)."""

    def __init__(self, doc_name: str, text: str, mentions: list[Ment], posts: tuple[Post, ...]) -> None:
        self.r = rules()
        self.doc_name = doc_name
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.posts = posts
        self.quotes = find_quotes(text, self.r.quote_pairs)
        self.quoted_posts = sorted((q.block_start, q.block_end) for p in posts for q in p.quotes)
        self.poster_entity = {m.start: m.entity for m in self.mentions}
        self.claims: list[Claim] = []
        self.unattributed: list[tuple[int, int]] = []
        self.turn_labels: list[int] = []
        """Where each turn's label starts: nobody else's words run on past it."""
        self.last_cue: tuple[int, tuple[str, int | None, int | None]] | None = None
        """The last cue found with its speaker, as sieve 1 goes: a later 他 may be its unnamed official."""
        self.turn_spans: list[tuple[int, int, str]] = []
        """Each turn's words and whose they are: the first person there is that speaker."""

    # --- speakers -------------------------------------------------------
    def _post_at(self, pos: int) -> Post | None:
        for post in self.posts:
            if post.start <= pos < post.end:
                return post
        return None

    def _poster(self, post: Post) -> str | None:
        return self.poster_entity.get(post.author_start)

    def _first_person_speaker(self, pos: int) -> str:
        """Who "we" or "I" at ``pos`` is: the speaker of the turn it stands in (``朱凤莲：…我们敦促…``),
        else the poster of its post, else the document's author."""
        turn = next((speaker for start, end, speaker in self.turn_spans if start <= pos < end), None)
        if turn is not None:
            return turn
        post = self._post_at(pos)
        return (self._poster(post) if post else None) or AUTHOR

    def _antecedent(self, pos: int, types: tuple[str, ...]) -> Ment | None:
        """What a pronoun at ``pos`` refers to: the nearest earlier mention of a fitting type outside
        quotations; when the sentence it stands in began with a speaker-like mention of that type, that
        one, not a later object of the same sentence (``X会见了Y。他说`` is X speaking)."""
        k = bisect_left(self.starts, pos) - 1
        while k >= 0:
            m = self.mentions[k]
            if pos - m.end > self.r.max_antecedent_distance:
                return None
            if m.label in types and m.end <= pos and _containing(self.quotes, m.start) is None:
                return self._subject_of_sentence(m, types)
            k -= 1
        return None

    def _official_speaking(self, pos: int) -> str | None:
        """The organisation whose unnamed official made the last claim before ``pos``, when no person
        is named since (``华为有关负责人表示…。他坦言…``: 他 is that official, who speaks for it)."""
        if self.last_cue is None:
            return None
        cue_start, (speaker, _, speaker_end) = self.last_cue
        if speaker_end is None or cue_start >= pos or not OFFICIAL.search(self.text, speaker_end, cue_start):
            return None
        k = bisect_left(self.starts, cue_start)
        while k < len(self.mentions) and self.mentions[k].start < pos:
            if self.mentions[k].label == "PERSON":
                return None
            k += 1
        return speaker

    def _prosecutors(self, pos: int) -> Ment | None:
        """``控方指``, ``檢方認為``: the nearest prosecutors' office named before ``pos`` (律政司, 地檢署,
        人民检察院), however far: a court report names it once, at the start."""
        k = bisect_left(self.starts, pos) - 1
        while k >= 0:
            m = self.mentions[k]
            if m.label == "ORG" and any(
                w in to_simplified(self.text[m.start : m.end]) for w in self.r.prosecutors
            ):
                return m
            k -= 1
        return None

    def _named_by_head(self, pos: int, word: str) -> Ment | None:
        """``该委员会``, ``該部``: the nearest earlier name of its type ending in the head noun
        (``众议院中国问题特别委员会``, ``交通運輸部``), before any nearer mention of another kind."""
        head = to_simplified(word[1:])
        if not word.startswith(self.r.demonstratives) or not head:
            return None
        k = bisect_left(self.starts, pos) - 1
        while k >= 0 and pos - self.mentions[k].end <= self.r.max_antecedent_distance:
            m = self.mentions[k]
            name = to_simplified(self.text[m.start : m.end])
            if m.label in self.r.pronouns[word] and name.endswith(head) and name != head:
                return m
            k -= 1
        return None

    def _whose_spokesperson(self, pos: int, word: str) -> Ment | None:
        """``发言人说`` after ``外交部发言人…`` earlier: the organisation last named with its spokesperson."""
        if not word.endswith(self.r.spokesperson_words):
            return None
        k = bisect_left(self.starts, pos) - 1
        while k >= 0 and pos - self.mentions[k].end <= self.r.spokesperson_distance:
            m = self.mentions[k]
            after = self.text[m.end : m.end + 8].lstrip("的 ")
            if m.label == "ORG" and after.startswith(self.r.spokesperson_words):
                return m
            k -= 1
        return None

    def _subject_of_sentence(self, m: Ment, types: tuple[str, ...]) -> Ment:
        """The first mention of a fitting type in ``m``'s sentence that is no verb's object
        (``日本首相桥本龙太郎同美国总统克林顿会谈，他说``: 桥本龙太郎), unless ``m`` is the subject of a
        clause of its own."""
        start = max(self.text.rfind(ch, 0, m.start) for ch in "。！？!?\n") + 1
        start = OUTLET_TAG.match(self.text, start, m.start).end()  # 【财新网】 tags a story, says nothing
        k = bisect_left(self.starts, start)
        first = None
        while k < len(self.mentions) and self.mentions[k].start <= m.start:
            c = self.mentions[k]
            if c.label in types and _containing(self.quotes, c.start) is None and not self._is_object(c):
                first = c
                break
            k += 1
        if first is None or first.entity == m.entity:
            return m
        if not self._is_object(m) and not self._reported(first, m):
            return m  # the nearest is the subject of its own clause: keep it
        return first

    def _reported(self, first: Ment, m: Ment) -> bool:
        """A cue stands between the sentence's first name and ``m`` (``X发布报告，称中国公司DeepSeek…``):
        ``m`` is in what was said, not who says it."""
        return any(self._is_cue(hit) for hit in self.r.cue_regex.finditer(self.text, first.end, m.start))

    def speaker_before(self, cue_start: int) -> tuple[str, int | None, int | None] | None:
        """Who speaks with the cue at ``cue_start``: (entity id or author, mention span) or None.

        The nearest mention before the cue with only speaker-gap material in
        between and no preposition before it (``向 X 提出``: X is not the speaker);
        else a pronoun or the first person; else, when the cue's clause has no
        subject, the entity that opens the previous clause (a topic chain).
        """
        line_start = max(self.text.rfind(ch, 0, cue_start) for ch in "。！？!?\n；") + 1
        k = bisect_left(self.starts, cue_start) - 1
        while k >= 0 and self.mentions[k].start >= line_start:
            m = self.mentions[k]
            k -= 1
            if m.end > cue_start or m.label not in ("PERSON", "ORG", "GPE", "LAW"):
                continue
            if not self.r.gap.match(self.text, m.end, cue_start):
                continue
            before = self.text[m.start - 1 : m.start]
            if (
                before
                and (before in self.r.prepositions or before in self.r.location_prepositions)
                and not self._co_speakers(m)
            ):
                continue  # 向 X 提出, 在白宫表示: X is not who speaks (but 美国和日本要求: both do)
            if _containing(self.quotes, m.start) is None:
                holder = self._occasion_holder(m, line_start)
                return (holder.entity, holder.start, holder.end) if holder else (m.entity, m.start, m.end)
        head = self.text[line_start:cue_start]
        word = self.text[cue_start : cue_start + 4]
        opening = self.r.pronoun_regex.search(word[:2]) or self.r.pronoun_regex.search(word[:3])
        if not head.strip() and opening is not None and opening.group() in self.r.pronouns:
            # 报告说，… opening a sentence: the cue holds its own subject, the body behind the report
            if opening.group() in self.r.documents:
                return DOCUMENT
            antecedent = self._antecedent(cue_start, self.r.pronouns[opening.group()])
            return (antecedent.entity, None, None) if antecedent else None
        spokesperson = self.r.spokesperson_opening.match(head)
        if spokesperson and self.r.gap.fullmatch(head, spokesperson.end()):
            # 发言人又说: the gap would take 发言人 as a role; it stands for the organisation named with it
            word = spokesperson.group("word")
            at = line_start + spokesperson.start("word")
            found = self._whose_spokesperson(at, word) or self._asked_office(at)
            return (found.entity, None, None) if found else None
        for cut in range(len(head) + 1):
            if not self.r.gap.fullmatch(head, cut):
                continue
            ref = self.r.pronoun_regex.search(head[:cut])
            if ref is not None:
                word = ref.group()
                if word in self.r.first_person:
                    if any(s <= cue_start < e for s, e in self.unattributed):
                        return None  # "我们" inside someone else's reported words is not the writer
                    return self._first_person_speaker(cue_start), None, None
                at = line_start + ref.start()
                if word in self.r.documents and not head[: ref.start()].strip():
                    return DOCUMENT
                official = self._official_speaking(at) if self.r.pronouns[word] == ("PERSON",) else None
                if official is not None:
                    return official, None, None  # 该公司有关负责人表示…。他坦言…: the official goes on
                if to_simplified(word) in self.r.prosecution:
                    office = self._prosecutors(at)
                    return (office.entity, None, None) if office else None
                antecedent = self._named_by_head(at, word) or self._antecedent(at, self.r.pronouns[word])
                return (antecedent.entity, None, None) if antecedent else None
            if head[:cut].rstrip().endswith(("，", ",")):
                return ZERO_SUBJECT
            break
        return None

    def _zero_subject(self, cue_start: int, previous: tuple[int, tuple] | None) -> tuple | None:
        """A cue right after a comma with no subject continues the sentence's last speaker, else its topic."""
        line_start = max(self.text.rfind(ch, 0, cue_start) for ch in "。！？!?\n；") + 1
        if previous is not None and previous[0] >= line_start:
            return previous[1]
        post = self._post_at(cue_start)
        if post is not None and self._poster(post) and self._short(post):
            return self._poster(post), None, None
        comma = max(self.text.rfind(ch, line_start, cue_start) for ch in "，,")
        return self._topic_of_previous_clause(comma, line_start)

    def _occasion_holder(self, m: Ment, line_start: int) -> Ment | None:
        """The name before ``在`` when ``m`` stands inside the place or occasion of speaking (``川普在社群平台
        Truth Social發文說``: the platform is where, not who)."""
        at = self.text.rfind("在", max(line_start, m.start - OCCASION_REACH), m.start)
        if at < 0 or any(ch in self.text[at : m.start] for ch in "，,。；;"):
            return None
        if m.label == "PERSON" and self.r.role_before.search(self.text, max(at, m.start - 12), m.start):
            return None  # 美國在台協會處長谷立言: a titled person speaks, the 在 is part of a name
        k = bisect_left(self.starts, at) - 1
        while k >= 0 and self.mentions[k].start >= line_start:
            before = self.mentions[k]
            k -= 1
            if before.end > at or before.label not in ("PERSON", "ORG", "GPE"):
                continue
            if self.r.gap.match(self.text, before.end, at) and not self._is_object(before):
                return before
            return None
        return None

    def _issuer(self, cue_start: int, previous: tuple[int, tuple] | None) -> tuple | None:
        """Who a document speaks for (``公告说``, ``邮件称``): whoever was last named issuing it (``商务部发布
        公告``, ``OpenAI发来的邮件``), else the last speaker when near, else the nearest organisation."""
        line_start = max(self.text.rfind(ch, 0, cue_start) for ch in "。！？!?\n；") + 1
        word = next((w for w in self.r.documents if w in self.text[line_start:cue_start]), "")
        issued = self.text.rfind(word, max(0, line_start - self.r.max_antecedent_distance), line_start)
        if word and issued >= 0:
            sentence = max(self.text.rfind(ch, 0, issued) for ch in "。！？!?\n；") + 1
            k = bisect_left(self.starts, issued) - 1
            while k >= 0 and self.mentions[k].start >= sentence:
                m = self.mentions[k]
                owner = OWNER.fullmatch(self.text, m.end, issued) is not None  # 根據國安局報告: its report
                if m.end <= issued and m.label in ("ORG", "PERSON") and (owner or not self._is_object(m)):
                    return m.entity, None, None
                k -= 1
        if previous is not None and cue_start - previous[0] <= self.r.max_antecedent_distance:
            return previous[1][0], None, None
        antecedent = self._antecedent(cue_start, ("ORG",))
        return (antecedent.entity, None, None) if antecedent else None

    def _is_object(self, m: Ment) -> bool:
        """The mention follows a preposition or a verb that takes it as object (``致信 X``, ``向 X``)."""
        before = self.text[max(0, m.start - 12) : m.start].rstrip()
        return bool(before) and (
            before[-1] in self.r.prepositions or self.r.object_marker.search(before) is not None
        )

    def _topic_of_previous_clause(self, comma: int, line_start: int) -> tuple[str, int, int] | None:
        clause_start = max(self.text.rfind(ch, line_start, comma) for ch in "，,") + 1
        clause_start = max(clause_start, line_start)
        tag = OUTLET_TAG.match(self.text, clause_start, comma)  # 【财新网】美国众议院…: the outlet's tag
        clause_start = tag.end() if tag else clause_start
        m = self._mention_at(clause_start)
        if m is not None and m.label == "ORG":
            titled = self._titled_person_after(m)  # 致公党中央主席罗豪才主持会议，强调: the person speaks
            m = titled if titled is not None else m
        if m is not None and m.label in ("PERSON", "ORG"):
            return m.entity, m.start, m.end
        k = bisect_left(self.starts, clause_start)
        while k < len(self.mentions) and self.mentions[k].end <= comma:
            m = self.mentions[k]
            if m.label == "PERSON" and _containing(self.quotes, m.start) is None and not self._is_object(m):
                return m.entity, m.start, m.end
            k += 1
        return None

    def _asked_office(self, pos: int) -> Ment | None:
        """The organisation the last question before ``pos`` was put to (``外交部对此有何评论？``): its
        spokesperson is the one who answers."""
        k = bisect_left(self.starts, pos) - 1
        while k >= 0 and pos - self.mentions[k].end <= self.r.spokesperson_distance:
            m = self.mentions[k]
            k -= 1
            if m.label == "ORG" and self.r.asked.match(self.text, m.end):
                return m
        return None

    def _titled_person_after(self, m: Ment) -> Ment | None:
        """A person named right after an organisation and a role (``致公党中央主席罗豪才``)."""
        k = bisect_left(self.starts, m.end)
        if k < len(self.mentions) and self.mentions[k].label == "PERSON":
            person = self.mentions[k]
            if self.r.titled.fullmatch(self.text, m.end, person.start):
                return person
        return None

    # --- content --------------------------------------------------------
    def _mention_at(self, pos: int) -> Ment | None:
        k = bisect_left(self.starts, pos)
        if k < len(self.mentions) and self.mentions[k].start == pos:
            return self.mentions[k]
        return None

    def _paragraph_end(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return len(self.text) if end < 0 else end

    def _is_cue(self, hit: re.Match[str]) -> bool:
        """A cue word, not part of another word (问题, 顾问) nor inside a quotation."""
        pos, word = hit.start(), hit.group()
        if self.r.occasion.match(self.text, pos):
            return False  # 被問及此事時表示, 在回應…的提問時表示: the occasion of what is said, not a claim
        if self._in_outlet_tag(pos):
            return False  # 【环球时报-环球网报道 记者 X】: the outlet and its reporter, not a claim
        if _containing(self.quotes, pos) is not None or _containing(self.quoted_posts, pos) is not None:
            return False
        for blocker in self.r.not_cues.finditer(self.text, max(0, pos - 3), hit.end() + 3):
            inside = pos <= blocker.start() and blocker.end() <= hit.end()
            if inside and len(word) > blocker.end() - blocker.start():
                continue  # the cue holds the blocker whole: 試圖說服 is a cue, 說服 alone is not
            role = self.r.role_before.search(self.text, max(0, pos - 12), pos)
            if blocker.start() < pos and role is not None and blocker.start() >= role.start():
                continue  # 总统称: a role ends where the cue begins, 统称 is no word here (答记者问 is)
            if blocker.start() <= pos < blocker.end() or pos <= blocker.start() < hit.end():
                return False
        if not word.endswith(_SAYS) and self.r.nominal.search(self.text, max(0, pos - 8), pos):
            return False  # 进行无端指控, 的强烈反对: the word is a noun here, nobody is quoted
        if self.r.byline.search(self.text, max(0, pos - 30), hit.end()):
            return False  # （记者刘正学、果永毅）报道: a byline, not a claim
        follower = self.text[hit.end() : hit.end() + 1]
        if self.r.cues[word].object == "addressee" and self._mention_at(hit.end()) is not None:
            return True
        if follower == "的" and self.text[hit.end() + 1 : hit.end() + 2] not in self.r.bare_cue_followers:
            return False  # 他提出的问题: a relative clause, not an attribution
        return (
            len(word) > 1
            or follower == ""
            or follower in self.r.bare_cue_followers
            or follower in self.r.sentence_end
            or self._named_right_before(pos)
            or self._opens_a_clause(pos)
        )

    def _in_outlet_tag(self, pos: int) -> bool:
        """``pos`` lies in the bracketed tag that opens a line (``【本報訊】``, ``【X报道 记者 Y】``)."""
        line_start = self.text.rfind("\n", 0, pos) + 1
        tag = OUTLET_TAG.match(self.text, line_start)
        return tag is not None and "【" in tag.group() and pos < tag.end()

    def _named_right_before(self, pos: int) -> bool:
        """A name stands just before a one-character cue that runs on into a clause of its own
        (``贝森特称中国是…``, not ``当美国说不的时候``): it is the speaker's verb."""
        k = bisect_left(self.starts, pos) - 1
        while k >= 0 and self.mentions[k].end > pos:
            k -= 1
        if k < 0 or self.mentions[k].label not in ("PERSON", "ORG", "GPE"):
            return False
        clause = re.match(r"[^，,。！？；;\n]*", self.text[pos + 1 : pos + 1 + self.r.min_quote_chars + 1])
        return (
            self.r.short_gap.fullmatch(self.text, self.mentions[k].end, pos) is not None
            and clause is not None
            and len(clause.group()) > self.r.min_quote_chars
        )

    def _opens_a_clause(self, pos: int) -> bool:
        """A one-character cue opens a clause of its own after a comma (``X表示感謝，指…``, ``…，又說…``)
        and runs on into words of its own: the sentence's speaker goes on with another verb."""
        lead = self.text[max(0, pos - 6) : pos]
        clause = re.match(r"[^，,。！？；;\n]*", self.text[pos + 1 : pos + 2 + self.r.min_quote_chars])
        return (
            self.r.clause_opening.search(lead) is not None
            and clause is not None
            and len(clause.group()) > self.r.min_quote_chars
        )

    def cue_claims(self) -> None:
        """Sieve 1."""
        hits = []
        cue_starts = []
        previous = None
        for hit in self.r.cue_regex.finditer(self.text):
            if not self._is_cue(hit):
                continue
            speaker = self.speaker_before(hit.start())
            if speaker is ZERO_SUBJECT:
                speaker = self._zero_subject(hit.start(), previous)
            elif speaker is DOCUMENT:
                speaker = self._issuer(hit.start(), previous)
            if speaker is not None:
                hits.append((hit, speaker))
                cue_starts.append(hit.start())
                self.last_cue = (hit.start(), speaker)
                if previous is None or not self._speaks_for(previous[1], speaker):
                    previous = (hit.start(), speaker)  # 林剑表示，中方反对…，又说: 林剑 goes on
            elif self._unnamed_speaker_before(hit.start()):
                cue_starts.append(hit.start())
                self.unattributed.append((hit.end(), self._paragraph_end(hit.end())))
        earlier = len(self.claims)  # turns and anchored claims: a cue inside them still speaks
        for i, (hit, speaker) in enumerate(hits):
            if any(
                c.start <= hit.start() < c.end and c.type != "question" and c.start != speaker[1]
                for c in self.claims[earlier:]
            ) or any(s <= hit.start() < e and who == speaker[0] for s, e, who in self.turn_spans):
                continue  # inside the words of a claim found before: reported speech within speech
                # (but what a question reports is claimed too: 記者追問，美方稱…，中方有何回應？; and
                # words that open with their own speaker: 李家超回应说，特区政府表示…)
            cue = self.r.cues[hit.group()]
            addressee = None
            pos = self.r.content_lead.match(self.text, hit.end()).end()
            if cue.object == "addressee" and not self.text[hit.end() : pos].strip(" \u3000"):
                ment = self._mention_at(pos)  # 追问美方: the one asked; 追问，美方…: what is asked
                if ment is not None:
                    addressee = ment.entity
                    tail = self.r.addressee_tail.match(self.text, ment.end).end()
                    pos = self.r.content_lead.match(self.text, tail).end()
            if (
                cue.clause
                and not CLAUSE_LEAD.search(self.text, hit.end(), pos)
                and _containing(self.quotes, pos) is None
            ):
                continue  # 介绍了新产品: an object, not words
            if pos >= len(self.text) or self.text[pos] in self.r.sentence_end:
                if not self._quote_before(hit, cue, speaker) and hit.group() in self.r.echo_cues:
                    self._echo(hit, speaker)
                continue
            quote = _containing(self.quotes, pos)
            if quote is not None and quote[0] == pos and not self._runs_on(quote[1]):
                self._add(quote[0], self._quotation_goes_on(quote), speaker, hit, cue, addressee, direct=True)
                continue
            end = sentence_bounds(self.text, pos, self.quotes, self.r.sentence_end)
            # 賴清德說台日是夥伴 結果…: in a post, spaces part clauses; what follows is the poster's own
            if self._post_at(pos) is not None and (space := SPACED_CLAUSE.search(self.text, pos, end)):
                end = space.start()
            if COLON.fullmatch(self.text[pos : self._paragraph_end(pos)].rstrip()[-1:]):
                self._block(self._paragraph_end(pos), speaker, hit, cue, hits)
                continue
            following = next(
                (h for h in hits[i + 1 :] if h[0].start() >= end or not self._speaks_for(speaker, h[1])), None
            )
            if following is not None and cue.type != "question":
                following_hit, (following_id, following_speaker, _) = following
                anchor = (
                    following_speaker
                    if following_speaker is not None and following_speaker >= pos
                    else following_hit.start()
                )
                if anchor == pos and following_id == speaker[0]:
                    continue  # 發表談話，指…: the same speaker's next cue carries the words
                if pos < anchor < end:  # (at ``pos``: 李家超回应说，特区政府表示… is all 李家超's)
                    end = self._clause_start(pos, anchor)
            if cue.type != "question" and self._asked_around(hit.start(), end):
                end = self._clause_start(pos, end - 1)  # 美方稱…，中方有何回應？: the asker's clause
            self._add(pos, end, speaker, hit, cue, addressee, direct=False)
            opening = self._opening_quote(speaker[1]) if speaker[1] is not None else None
            if opening is not None:  # 「…」國防部副部長X表示，…: the quotation is X's too
                self._add(*opening, speaker, hit, cue, None, direct=True)
            after_colon = bool(COLON.search(self.text, hit.end(), pos))
            self._continue(end, speaker, hit, cue, cue_starts, after_colon=after_colon)

    def _opening_quote(self, at: int) -> tuple[int, int] | None:
        """The quotation that opens the sentence of the speaker named at ``at``, with only the speaker's
        titles between (``「…」國防部副部長X表示``), or ``None``."""
        k = bisect_left(self.quotes, (at,)) - 1
        if k < 0 or not SPEAKER_NOUN_PHRASE.fullmatch(self.text, self.quotes[k][1], at):
            return None
        before = self.text[: self.quotes[k][0]].rstrip(" \u3000")
        return (
            self.quotes[k] if not before or before[-1] in self.r.sentence_end or before[-1] == "\n" else None
        )

    def _asked_around(self, pos: int, end: int) -> bool:
        """Words at ``pos`` that end a question someone else asks (a claim of type question holds them)."""
        return self.text[end - 1 : end] in ("？", "?") and (
            any(c.start <= pos < c.end and c.type == "question" for c in self.claims)
            or any(s <= pos < e for s, e in self.unattributed)  # 有记者问：美方宣布…，中方有何回应？
        )

    def _quotation_goes_on(self, quote: tuple[int, int]) -> int:
        """Where the words quoted after a cue end: quotations joined by a comma go on
        (``雷蒙多強調，「我們必須不斷改變」，「事實是，中國在變化」``)."""
        end = quote[1]
        while (joint := QUOTATION_JOINT.match(self.text, end)) is not None:
            following = _containing(self.quotes, joint.end())
            if following is None or following[0] != joint.end() or self._runs_on(following[1]):
                break
            end = following[1]
        return end

    def _runs_on(self, pos: int) -> bool:
        """The clause goes on after a quotation (``称，“视窗98”的最大特点是…``): the quotation is only its
        first words, not the whole of what is said."""
        follower = self.text[pos : pos + 1]
        return follower.isalnum()

    def _voiced(self, start: int, end: int) -> bool:
        """The span speaks in the first or second person outside quotation marks (not “了解你的客户”)."""
        pos = start
        for q_start, q_end in self.quotes:
            if q_end <= start or q_start >= end:
                continue
            if self.r.speech_voice.search(self.text, pos, max(pos, q_start)):
                return True
            pos = max(pos, q_end)
        return bool(self.r.speech_voice.search(self.text, pos, max(pos, end)))

    def _block(self, pos: int, speaker, hit, cue: Cue, hits: list) -> None:
        """Paragraphs introduced by a colon ending the speaker's paragraph are the speaker's, one claim each.

        The block ends at a heading-like short line, at a paragraph where someone else is
        attributed speech, or after ``max_block_paragraphs``.
        """
        others = [h.start() for h, sp in hits if sp[0] != speaker[0] and sp[1] is not None]
        for _ in range(self.r.max_block_paragraphs):
            start = pos + 1
            pos = self._paragraph_end(start)
            para = self.text[start:pos].strip()
            if not para:
                if start >= len(self.text):
                    return
                continue
            heading = len(para) <= self.r.max_heading_chars and para[-1] not in "。！？!?：:…”」"
            k = bisect_left(others, start)
            if heading or (k < len(others) and others[k] < pos):
                return
            self._add(start, pos, speaker, hit, Cue(cue.word, "statement", None), None, direct=True)

    def _clause_start(self, lo: int, pos: int) -> int:
        """Start of the clause holding ``pos`` (after the last comma between ``lo`` and ``pos``)."""
        return max(lo, max(self.text.rfind(ch, lo, pos) for ch in "，,；;") + 1)

    def _quote_before(
        self, hit: re.Match[str], cue: Cue, speaker: tuple[str, int | None, int | None]
    ) -> bool:
        """“…”，X 表示。 — the quotation just before the speaker is theirs."""
        anchor = speaker[1] if speaker[1] is not None else hit.start()
        k = bisect_left(self.quotes, (anchor,)) - 1
        if k < 0:
            return False
        q_start, q_end = self.quotes[k]
        between = self.text[q_end:anchor]
        if between.strip(" ，,\u3000") == "" or self.r.pronoun_regex.search(between.strip(" ，,")):
            self._add(q_start, q_end, speaker, hit, cue, None, direct=True)
            return True
        return False

    def _echo(self, hit: re.Match[str], speaker: tuple[str, int | None, int | None]) -> None:
        """``X 也呼应`` with nothing after it: X asserts what the claim just before said, about its author."""
        if not self.claims:
            return
        last = self.claims[-1]
        sentence_start = max(self.text.rfind(ch, 0, last.start) for ch in self.r.sentence_end) + 1
        if last.speaker == speaker[0] or self._paragraph_end(sentence_start) < hit.start():
            return
        echo = Cue(hit.group(), last.type, None)
        self._add(last.start, last.end, speaker, hit, echo, last.speaker, direct=last.quote == "direct")

    def _unnamed_speaker_before(self, cue_start: int) -> bool:
        """``有参议员问``, ``专家表示``: someone unnamed speaks; what follows is not the writer's."""
        line_start = max(self.text.rfind(ch, 0, cue_start) for ch in "。！？!?\n；，,") + 1
        return self.r.unnamed_speaker.search(self.text, line_start, cue_start) is not None

    def _continue(
        self, pos: int, speaker, hit, cue: Cue, cue_starts: list[int], *, after_colon: bool
    ) -> None:
        """The speaker goes on over the paragraph's next sentences that have no cue of their own.

        After a colon all of them; otherwise up to the last one that speaks in the
        first or second person, or as a side (``speech_voice``: 我们, 中方, 美方): reported speech, not
        the writer's narration. A question ends them, unless the cue asks.
        """
        stop = self._paragraph_end(pos)
        sentences = []
        while pos < stop:
            end = min(sentence_bounds(self.text, pos, self.quotes, self.r.sentence_end), stop)
            k = bisect_left(cue_starts, pos)
            if k < len(cue_starts) and cue_starts[k] < end:
                break
            if cue.type != "question" and self._asked_around(pos, end):
                break  # 美方稱…。中方有何回應？: the asker's question, not the words it reports
            sentences.append((pos, end))
            pos = end
        if not after_colon:
            voiced = [i for i, (s, e) in enumerate(sentences) if self._voiced(s, e)]
            sentences = sentences[: voiced[-1] + 1] if voiced else []
        for start, end in self._same_type_runs(sentences):
            self._add(start, end, speaker, hit, cue, None, direct=False)

    # --- posts ----------------------------------------------------------
    def post_claims(self) -> None:
        """Sieve 2: a short post's own lines are its poster's, grouped while the claim type stays the same.

        A long post (an article pasted into a thread) is left to the cue and stance sieves,
        with the poster as its author.
        """
        for post in self.posts:
            poster = self._poster(post)
            if poster is None:
                continue
            addressees = [
                e for q in post.quotes if q.author for e in self._poster_ids(q.author) if e != poster
            ]
            self._quoted_words(post)
            if not self._short(post):
                continue
            lines = self._own_lines(post)
            quoted = [(q.block_start, q.block_end) for q in post.quotes]
            for start, end in self._same_type_runs(lines, quoted):
                speaker = (poster, None, None)
                addressee = addressees[0] if addressees else None
                self._add(start, end, speaker, None, None, addressee, direct=True, post=post)

    def _quoted_words(self, post: Post) -> None:
        """A quoted post that the thread does not hold itself (``※ 引述《X》之銘言``, the post pages back)
        is its poster's words, here the only place they stand; a post the thread holds is claimed there
        (a post of the same poster's holding the quoted words: one who only pushes holds none of them)."""
        for quote in post.quotes:
            quoted = self.poster_entity.get(quote.author_start) if quote.author_start is not None else None
            if quoted is None:
                continue
            lines = []
            for line in re.finditer(r"[^\n]+", self.text[quote.start : quote.end]):
                start = quote.start + line.start()
                start += len(QUOTED_LINE_MARK.match(self.text, start).group())
                start, end = strip_span(self.text, start, quote.start + line.end())
                if end - start >= 2:
                    lines.append((start, end))
            opening = self.text[lines[0][0] : min(lines[0][1], lines[0][0] + QUOTED_OPENING)] if lines else ""
            if not opening or any(
                p.author == quote.author and opening in self.text[p.start : p.end]
                for p in self.posts
                if p is not post
            ):  # (a quotation's opening words: forums cut quoted posts short and mark the cut)
                continue
            for start, end in self._same_type_runs(lines):
                self._add(start, end, (quoted, None, None), None, None, None, direct=True, post=post)

    def _same_type_runs(
        self, lines: list[tuple[int, int]], apart: list[tuple[int, int]] = ()
    ) -> list[tuple[int, int]]:
        """Consecutive lines of one claim type, joined; never across a span ``apart`` (a quoted post)
        that stands between them."""
        runs: list[tuple[int, int, str]] = []
        for start, end in lines:
            type_ = claim_type("statement", self.text[start:end])
            between = runs and any(runs[-1][1] <= s and e <= start for s, e in apart)
            if runs and runs[-1][2] == type_ and not between:
                runs[-1] = (runs[-1][0], end, type_)
            else:
                runs.append((start, end, type_))
        return [(s, e) for s, e, _ in runs]

    def stance_claims(self) -> None:
        """Sieve 3: the writer's own stance (``恐怕``, ``应该``, ``显然``…) outside anyone's quoted words.

        The speaker is the document's author, or the poster of a long post.
        """
        for marker in self.r.stance.finditer(self.text):
            pos = marker.start()
            if _containing(self.quotes, pos) or _containing(self.quoted_posts, pos):
                continue
            if any(c.start <= pos < c.end for c in self.claims):
                continue
            if any(
                m.start() <= pos < m.end()
                for m in self.r.not_stance.finditer(self.text, max(0, pos - 4), pos + 8)
            ):
                continue
            start = max(self.text.rfind(ch, 0, pos) for ch in self.r.sentence_end) + 1
            end = sentence_bounds(self.text, pos, self.quotes, self.r.sentence_end)
            post = self._post_at(pos)
            if post is not None and self._short(post):
                continue
            speaker = (self._first_person_speaker(pos), None, None)
            self._add(start, end, speaker, marker, Cue(marker.group(), "statement", None), None, direct=False)

    def _poster_ids(self, name: str) -> list[str]:
        return [
            self.poster_entity[p.author_start]
            for p in self.posts
            if p.author == name and p.author_start in self.poster_entity
        ][:1]

    def _short(self, post: Post) -> bool:
        """A short post is a reply in the poster's own voice; a long one is an article pasted in."""
        quoted = sum(q.block_end - q.block_start for q in post.quotes)
        return post.end - post.start - quoted <= self.r.max_post_chars

    def _taken(self, post: Post) -> list[tuple[int, int]]:
        """What in ``post`` is not its poster's: quoted posts, and others' claims with their attribution."""
        return sorted(
            [(q.block_start, q.block_end) for q in post.quotes]
            + [(_attribution_start(c), c.end) for c in self.claims if post.start <= c.start < post.end]
        )

    def _own_lines(self, post: Post) -> list[tuple[int, int]]:
        """The post's own lines: its body minus quoted posts, others' claims (with who says them and the
        cue: ``TP-Link發言人回應話，…`` is TP-Link's), signatures and bare links."""
        taken = self._taken(post)
        pieces, pos = [], post.start
        for s, e in taken:
            if s > pos:
                pieces.append((pos, s))
            pos = max(pos, e)
        pieces.append((pos, post.end))
        lines = []
        for s, e in pieces:
            for line in re.finditer(r"[^\n]+", self.text[s:e]):
                start, end = strip_span(self.text, s + line.start(), s + line.end())
                if end - start >= 2 and not self.r.ignore_line.match(self.text, start, end):
                    lines.append((start, end))
        return lines

    # --- assembly -------------------------------------------------------
    def _co_speakers(self, m: Ment) -> list[Ment]:
        """Mentions joined to ``m`` by 和/与/、 before it (``美国和日本要求…``), nearest first.

        A role may stand after the conjunction, names of its own included (``穆勒纳尔和首席民主党议员
        克里希纳穆尔蒂``): the nearest earlier speaker-like mention joined that way is the next one.
        """
        joined = []
        m = self._place_before(self._apposition_head(m))
        k = bisect_left(self.starts, m.start) - 1
        while k >= 0:
            for j in range(k, max(-1, k - 3), -1):
                other = self.mentions[j]
                if (
                    other.end <= m.start
                    and other.label in ("PERSON", "ORG", "GPE")
                    and self.r.coordinator.fullmatch(self.text, other.end, m.start)
                ):
                    joined.append(other)
                    m = self._place_before(other)
                    k = bisect_left(self.starts, m.start) - 1
                    break
            else:
                break
        return joined

    def _place_before(self, m: Ment) -> Ment:
        """The place that qualifies a name right before it (``英国路透社``), where a list's item begins."""
        before = self._mention_before(m)
        if before is not None and before.label == "GPE" and before.end == m.start and m.label != "GPE":
            return before
        return m

    def _apposition_head(self, m: Ment) -> Ment:
        """The name its bracketed form follows (``馬斯特（Brian Mast）``): where a speaker's name begins."""
        before = self._mention_before(m)
        if before is None or before.entity != m.entity:
            return m
        return before if self.text[before.end : m.start].strip() in ("（", "(") else m

    def _mention_before(self, m: Ment) -> Ment | None:
        """The nearest mention that ends before ``m`` begins."""
        k = bisect_left(self.starts, m.start) - 1
        while k >= 0 and self.mentions[k].end > m.start:
            k -= 1
        return self.mentions[k] if k >= 0 else None

    def _joined_after(self, m: Ment, limit: int) -> list[Ment]:
        """Mentions joined to ``m`` by 和/与/、 after it and before ``limit`` (the cue): a speaker found as
        the topic of a clause is its first name (``美国和日本分别致信联合国，呼吁…``)."""
        joined = []
        k = bisect_left(self.starts, m.end)
        while k < len(self.mentions) and self.mentions[k].end <= limit:
            other = self.mentions[k]
            if other.start < m.end:
                k += 1
                continue
            if other.label not in ("PERSON", "ORG", "GPE") or not self.r.coordinator.fullmatch(
                self.text, m.end, other.start
            ):
                break
            joined.append(other)
            m = other
            k += 1
        return joined

    def _add(self, start, end, speaker, hit, cue, addressee, *, direct, post=None) -> None:
        """Add a claim of ``speaker``, and the same claim of every speaker joined to it by 和 or 、."""
        _, sp_start, sp_end = speaker
        mention = self._mention_at(sp_start) if sp_start is not None else None
        if mention is not None and mention.end == sp_end:
            limit = hit.start() if hit is not None else start
            for other in [*self._co_speakers(mention), *self._joined_after(mention, limit)]:
                joined = (other.entity, other.start, other.end)
                self._add_one(start, end, joined, hit, cue, addressee, direct=direct, post=post)
        self._add_one(start, end, speaker, hit, cue, addressee, direct=direct, post=post)

    def _add_one(self, start, end, speaker, hit, cue, addressee, *, direct, post=None) -> None:
        k = bisect_left(self.turn_labels, start)
        if k < len(self.turn_labels) and self.turn_labels[k] < end:
            end = self.turn_labels[k]  # the next speaker's label: ``…其模型 外交部：…``
        if post is None:
            post = self._post_at(start)
        if post is not None and post.start <= start < post.end < end:
            end = post.end  # words end with their post (a push line's time after them is not said)
        start, end = strip_span(self.text, start, end)
        if end - start < 2:
            return
        speaker_id, sp_start, sp_end = speaker
        content = self.text[start:end]
        first, last = bisect_left(self.starts, start), bisect_left(self.starts, end)
        inside = [m for m in self.mentions[first:last] if m.end <= end]
        targets = list(dict.fromkeys(m.entity for m in inside if m.entity != speaker_id))
        if self._label_of(speaker_id) == "ORG" and (
            self.r.self_reference.search(content) or any(m.entity == speaker_id for m in inside)
        ):
            targets.append(speaker_id)  # an organisation's "我们", or its own name: it speaks of itself
        if addressee and addressee not in targets and addressee != speaker_id:
            targets.append(addressee)
        if not targets:
            referred = anaphor_target(
                self.text,
                start,
                end,
                self.mentions,
                self.starts,
                self.r.anaphors,
                self.r.max_antecedent_distance,
            )
            if referred is None:
                return  # a claim that names no entity is not annotated (GUIDELINES)
            targets.append(referred)
        type_ = cue.type if cue and not cue.refine else claim_type(cue.type if cue else "statement", content)
        quote = "direct" if direct or self._mostly_quoted(start, end) else "indirect"
        self.claims.append(
            Claim(
                doc=self.doc_name,
                start=start,
                end=end,
                text=content,
                speaker=speaker_id,
                cue=hit.group() if hit else "",
                cue_start=hit.start() if hit else None,
                cue_end=hit.end() if hit else None,
                targets=tuple(targets),
                type=type_,
                quote=quote,
                speaker_start=sp_start,
                speaker_end=sp_end,
                post=post.floor if post else None,
            )
        )

    def _label_of(self, entity: str) -> str | None:
        return next((m.label for m in self.mentions if m.entity == entity), None)

    def _mostly_quoted(self, start: int, end: int) -> bool:
        quoted = sum(min(e, end) - max(s, start) for s, e in self.quotes if s < end and e > start)
        return quoted * 2 > end - start

    def turn_claims(self) -> None:
        """Sieve 0: a line that opens with its speaker and a colon (``extract.turns``) is their words."""
        headers = {post.author_start for post in self.posts}
        for turn in find_turns(self.text, self.mentions):
            if _containing(self.quotes, turn.label_start) or _containing(self.quoted_posts, turn.label_start):
                continue
            if any(turn.label_start <= at < turn.label_end for at in headers):
                continue  # a post's header: the post is its poster's (sieve 2)
            speaker = (turn.speaker, turn.label_start, turn.label_end)
            self.turn_labels.append(turn.label_start)
            self.turn_spans.append((turn.start, turn.end, turn.speaker))
            asked = self.text[turn.start : turn.end].rstrip()[-1:] in "？?"  # a question, background and all
            runs = (
                [(turn.start, turn.end)]
                if asked
                else self._same_type_runs(self._sentences(turn.start, turn.end))
            )
            for start, end in runs:
                self._add(start, end, speaker, None, None, None, direct=True)  # 批评…。我们敦促…: two claims

    def _sentences(self, start: int, end: int) -> list[tuple[int, int]]:
        """The sentences of ``[start, end)``, quotations kept whole."""
        out = []
        while start < end:
            stop = min(sentence_bounds(self.text, start, self.quotes, self.r.sentence_end), end)
            span = strip_span(self.text, start, stop)
            if span[1] - span[0] >= 2:
                out.append(span)
            start = max(stop, start + 1)
        return out

    def anchored_claims(self) -> None:
        """Sieve 0b: attributions anchored on a name (``extract.anchored``): sources of facts, headlines."""
        for found in find_anchored(self.text, self.mentions, self.r.sentence_end):
            m = found.mention
            if _containing(self.quotes, m.start) or _containing(self.quoted_posts, m.start):
                continue
            hit = _ANY.match(self.text, found.cue_start, found.cue_end)
            cue = Cue(self.text[found.cue_start : found.cue_end], found.type, None, found.type == "statement")
            self._add(found.start, found.end, (m.entity, m.start, m.end), hit, cue, None, direct=False)

    def quotation_paragraphs(self) -> None:
        """Sieve 1b: a paragraph that is only a quotation, right after a paragraph whose last claim has a
        named speaker, goes on in that speaker's voice (``他補充說，…。\n「這不是普通的走私案。」``)."""
        for q_start, q_end in self.quotes:
            start = self.text.rfind("\n", 0, q_start) + 1
            end = self._paragraph_end(q_end)
            if self.text[start:q_start].strip() or self.text[q_end:end].strip() or start == 0:
                continue
            previous_end = start - 1
            while previous_end > 0 and not self.text[previous_end - 1].strip():
                previous_end -= 1
            previous_start = self.text.rfind("\n", 0, previous_end) + 1
            before = [
                c for c in self.claims if previous_start <= c.start < previous_end and c.speaker != AUTHOR
            ]
            if before:
                last = max(before, key=lambda c: c.start)
                speaker = (last.speaker, last.speaker_start, last.speaker_end)
                self._add(q_start, q_end, speaker, None, None, None, direct=True)

    def _speaks_for(self, speaker: tuple, inner: tuple) -> bool:
        """A person's words go on over a country speaking inside them (``克林顿说，美国支持…``)."""
        mention = self._mention_at(inner[1]) if inner[1] is not None else None
        return (
            mention is not None
            and mention.label == "GPE"
            and speaker[0] != AUTHOR
            and self._label_of(speaker[0]) == "PERSON"
        )

    def _in_a_persons_voice(self, claim: Claim) -> bool:
        """A side or a country (``中方``, ``美国``) speaking inside a person's words is that person speaking
        for it or of it (GUIDELINES): the person's claim holds these words, the country a target. A side
        inside an office's words (``发言人指出，中方敦促…``: spokesperson unnamed) is the office's voice."""
        at = claim.speaker_start
        if at is None:
            return False
        mention = self._mention_at(at)
        side = self.r.sides.fullmatch(self.text, at, claim.speaker_end or at)
        if not side and (mention is None or mention.label != "GPE"):
            return False
        voices = ("PERSON", "ORG") if side else ("PERSON",)  # an office's spokesperson says 中方 too
        return any(
            other.speaker != claim.speaker
            and other.start <= at < other.end
            and (self._label_of(other.speaker) == "PERSON" or other.type != "question")
            and self._label_of(other.speaker) in voices
            for other in self.claims
        )

    def run(self) -> list[Claim]:
        self.turn_claims()
        self.anchored_claims()
        self.cue_claims()
        self.quotation_paragraphs()
        self.post_claims()
        self.stance_claims()
        self.claims = [c for c in self.claims if not self._in_a_persons_voice(c)]
        unique = {(c.start, c.end, c.speaker): c for c in self.claims}
        return sorted(unique.values(), key=lambda c: (c.start, c.end, c.speaker))


OCCASION_REACH = 14
"""How far before a name an ``在`` may open the occasion that name stands in."""
QUOTATION_JOINT = re.compile(r"[ \t]*[，,、][ \t]*")
"""What joins two quotations of one speaker in one sentence."""
QUOTED_LINE_MARK = re.compile(r"[ \t]*(?:[:：>][ \t]*)?")
"""What opens each line of a quoted post in plain-text forums (PTT ``: ``, mail-style ``> ``)."""


def _attribution_start(claim: Claim) -> int:
    """Where a claim's attribution begins: its speaker's mention or its cue, when either stands before
    its words; else its words."""
    starts = [at for at in (claim.speaker_start, claim.cue_start) if at is not None and at < claim.start]
    return min(starts, default=claim.start)


class ClaimComponent:
    """Sets ``doc._.claims`` from the resolved entities in ``doc.ents``."""

    def __call__(self, doc: Doc) -> Doc:
        mentions = [Ment(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents]
        doc._.claims = ClaimFinder(doc._.doc_name, doc.text, mentions, doc._.posts).run()
        return doc


@Language.factory("claimgraph_claims", assigns=["doc._.claims"], requires=["doc.ents"])
def make_claims(nlp: Language, name: str) -> ClaimComponent:
    """Registered factory: cues and rules live in ``extract/data/cues.jsonl`` and ``claim_rules.json``."""
    return ClaimComponent()
