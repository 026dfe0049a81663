"""Score exported records against gold annotations, as ``shared/eval/GUIDELINES.md`` defines it.

The headline numbers follow the shared scorer's matching exactly (a test
compares them); on top of them come the breakdowns an analyst tuning the
extraction needs: P/R/F1 per entity type, per document and per claim type, and
a confusion table of claim types over matched claims.

It scores plain records and texts and reads no store: ``claimgraph eval`` gives it a store's records and
document texts (``graph.store.reader``), so it sits beside the extraction it scores.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.scripts import to_simplified


def norm(text: str) -> str:
    """NFKC, simplified script, no white space, case-folded (the guidelines' comparison).

    >>> norm("英偉達 NVIDIA") == norm("英伟达nvidia")
    True
    """
    return "".join(to_simplified(unicodedata.normalize("NFKC", text)).split()).casefold()


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts.

    >>> prf(8, 10, 16)
    (0.8, 0.5, 0.6153846153846154)
    """
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    """Every figure of one evaluation; ``counts`` hold the raw tallies behind them."""

    counts: Counter[str] = field(default_factory=Counter)
    per_doc: list[dict[str, Any]] = field(default_factory=list)
    entity_types: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    claim_types: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    claim_classes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    """Per pattern class (the gold claims' optional ``class``): gold, matched, and predicted claims whose
    span falls on a gold claim of the class (``-`` for predictions on no gold claim)."""
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def headline(self) -> dict[str, tuple[float, float, float]]:
        """The five rows the shared scorer prints."""
        c = self.counts
        return {
            "entity": prf(c["ent_tp"], c["ent_pred"], c["ent_gold"]),
            "entity_untyped": prf(c["ent_tp_untyped"], c["ent_pred"], c["ent_gold"]),
            "claim": prf(c["claim_tp"], c["claim_pred"], c["claim_gold"]),
            "claim_span_only": prf(c["claim_span_tp"], c["claim_pred"], c["claim_gold"]),
            "target": prf(c["tgt_tp"], c["tgt_pred"], c["tgt_gold"]),
        }

    def speaker_accuracy(self) -> float:
        """Share of span-matched claims whose speaker is right too."""
        span = self.counts["claim_span_tp"]
        return self.counts["claim_tp"] / span if span else 0.0

    def to_json(self) -> dict[str, Any]:
        """Everything, JSON-ready."""
        return {
            **{k: list(v) for k, v in self.headline().items()},
            "speaker_accuracy": self.speaker_accuracy(),
            "per_doc": self.per_doc,
            "entity_types": {t: dict(c) for t, c in sorted(self.entity_types.items())},
            "claim_types": {t: dict(c) for t, c in sorted(self.claim_types.items())},
            "claim_classes": {t: dict(c) for t, c in sorted(self.claim_classes.items())},
            "confusion": [
                {"gold": g, "predicted": p, "count": n} for (g, p), n in sorted(self.confusion.items())
            ],
            "totals": dict(self.counts),
        }


def _spans_of(needle: str, haystack: str) -> list[tuple[int, int]]:
    out, i = [], haystack.find(needle)
    while i >= 0 and needle:
        out.append((i, i + len(needle)))
        i = haystack.find(needle, i + 1)
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return inter / shorter if inter > 0 and shorter > 0 else 0.0


def score(records: Iterable[Mapping[str, Any]], gold_dir: Path, doc_texts: Mapping[str, str]) -> Scores:
    """Score export records (``kind`` = entity, mention, claim) against ``gold_dir/*.json``.

    ``doc_texts`` maps a document's base name to its text, in which gold claim
    texts are located.
    """
    mentions, entities, claims = [], {}, []
    for rec in records:
        kind = rec.get("kind")
        if kind == "mention":
            mentions.append(rec)
        elif kind == "entity":
            entities[rec["id"]] = rec
        elif kind == "claim":
            claims.append(rec)
    forms_in_doc: dict[tuple[str, str], set[str]] = defaultdict(set)
    type_of: dict[str, str] = {}
    for m in mentions:
        forms_in_doc[(Path(m["doc"]).name, m["entity"])].add(norm(m["text"]))
        type_of[m["entity"]] = m.get("type") or entities.get(m["entity"], {}).get("type", "")
    all_forms: dict[str, set[str]] = defaultdict(set)
    for (_, ent), forms in forms_in_doc.items():
        all_forms[ent] |= forms
    for ent, rec in entities.items():
        all_forms[ent] |= {norm(x) for x in [*rec.get("labels", []), rec.get("name", "")] if x}
        type_of.setdefault(ent, rec.get("type", ""))

    scores = Scores()
    for gold_file in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        row = _score_document(gold, doc_texts[gold["doc"]], forms_in_doc, type_of, all_forms, claims, scores)
        scores.per_doc.append(row)
        scores.counts.update({k: v for k, v in row.items() if k != "doc"})
    return scores


def _score_document(gold, text, forms_in_doc, type_of, all_forms, claims, scores: Scores) -> dict[str, Any]:
    name = gold["doc"]
    galias = {e["id"]: {norm(a) for a in e["aliases"]} for e in gold["entities"]}
    gtype = {e["id"]: e["type"] for e in gold["entities"]}
    pred = {ent: forms for (d, ent), forms in forms_in_doc.items() if d == name}

    used, etp = set(), 0
    for gid, gforms in galias.items():
        scores.entity_types[gtype[gid]]["gold"] += 1
        for ent, forms in pred.items():
            if ent not in used and forms & gforms and type_of.get(ent) == gtype[gid]:
                used.add(ent)
                etp += 1
                scores.entity_types[gtype[gid]]["tp"] += 1
                break
    for ent in pred:
        scores.entity_types[type_of.get(ent, "")]["pred"] += 1
    used_any, etp_untyped = set(), 0
    for gforms in galias.values():
        for ent, forms in pred.items():
            if ent not in used_any and forms & gforms:
                used_any.add(ent)
                etp_untyped += 1
                break

    def speaker_ok(pspk: str, gspk: str) -> bool:
        if "author" in (gspk, pspk):
            return gspk == pspk
        return bool(all_forms.get(pspk, set()) & galias.get(gspk, set()))

    pclaims = [c for c in claims if Path(c["doc"]).name == name]
    gclaims = gold["claims"]
    cands = []
    for gi, g in enumerate(gclaims):
        gspans = _spans_of(g["text"], text)
        for pi, p in enumerate(pclaims):
            ov = max((_overlap((p["start"], p["end"]), s) for s in gspans), default=0.0)
            if ov >= 0.5:
                cands.append((ov, gi, pi, speaker_ok(p.get("speaker"), g["speaker"])))
    cands.sort(reverse=True)
    span_g, span_p, span_tp = set(), set(), 0
    for _, gi, pi, _ok in cands:
        if gi not in span_g and pi not in span_p:
            span_g.add(gi)
            span_p.add(pi)
            span_tp += 1
    done_g, done_p, ctp, ttp, tpred, tgold = set(), set(), 0, 0, 0, 0
    pairs: dict[int, int] = {}
    for _, gi, pi, ok in cands:
        if not ok or gi in done_g or pi in done_p:
            continue
        done_g.add(gi)
        pairs[gi] = pi
        done_p.add(pi)
        ctp += 1
        gtype_c, ptype_c = gclaims[gi]["type"], pclaims[pi].get("type", "")
        scores.confusion[(gtype_c, ptype_c)] += 1
        if gtype_c == ptype_c:
            scores.claim_types[gtype_c]["tp"] += 1
        ptargets = [all_forms.get(t, set()) for t in pclaims[pi].get("targets", [])]
        gtargets = [galias.get(t, set()) for t in gclaims[gi]["targets"]]
        tpred += len(ptargets)
        tgold += len(gtargets)
        used_t: set[int] = set()
        for gt in gtargets:
            for k, pt in enumerate(ptargets):
                if k not in used_t and pt & gt:
                    used_t.add(k)
                    ttp += 1
                    break
    for g in gclaims:
        scores.claim_types[g["type"]]["gold"] += 1
    for p in pclaims:
        scores.claim_types[p.get("type", "")]["pred"] += 1
    _count_classes(gclaims, len(pclaims), cands, pairs, scores)
    return {
        "doc": name,
        "ent_tp": etp,
        "ent_tp_untyped": etp_untyped,
        "ent_pred": len(pred),
        "ent_gold": len(galias),
        "claim_tp": ctp,
        "claim_span_tp": span_tp,
        "claim_pred": len(pclaims),
        "claim_gold": len(gclaims),
        "tgt_tp": ttp,
        "tgt_pred": tpred,
        "tgt_gold": tgold,
    }


def _count_classes(
    gclaims: list[dict[str, Any]], npred: int, cands: list, matched: dict[int, int], scores: Scores
) -> None:
    """Tally ``Scores.claim_classes``. A prediction counts for the class of the gold claim it matched,
    else of the gold claim its span overlaps most, else for ``-``; ``matched`` maps gold to prediction."""
    owner: dict[int, int] = {}
    for _ov, gi, pi, _ok in sorted(cands, key=lambda c: c[0]):  # the largest overlap is written last
        owner[pi] = gi
    owner.update({pi: gi for gi, pi in matched.items()})
    for gi, g in enumerate(gclaims):
        counts = scores.claim_classes[g.get("class", "(no class)")]
        counts["gold"] += 1
        counts["tp"] += gi in matched
    for gi in owner.values():
        scores.claim_classes[gclaims[gi].get("class", "(no class)")]["pred"] += 1
    scores.claim_classes["-"]["pred"] += npred - len(owner)


def format_table(scores: Scores) -> str:
    """The figures as plain-text tables for a terminal."""
    lines = [f"{'':16} {'P':>6} {'R':>6} {'F1':>6}"]
    lines += [f"{k:16} {p:6.3f} {r:6.3f} {f:6.3f}" for k, (p, r, f) in scores.headline().items()]
    lines.append(f"{'speaker accuracy':16} {scores.speaker_accuracy():6.3f}  (claims matched / span-matched)")
    lines += ["", f"{'entity type':16} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'pred':>5} {'gold':>5}"]
    for type_, c in sorted(scores.entity_types.items()):
        p, r, f = prf(c["tp"], c["pred"], c["gold"])
        lines.append(f"{type_:16} {p:6.3f} {r:6.3f} {f:6.3f} {c['tp']:5} {c['pred']:5} {c['gold']:5}")
    lines += ["", f"{'document':32} {'ent F1':>7} {'claim F1':>9} {'tgt F1':>7} {'claims p/g':>11}"]
    for row in scores.per_doc:
        ent = prf(row["ent_tp"], row["ent_pred"], row["ent_gold"])[2]
        claim = prf(row["claim_tp"], row["claim_pred"], row["claim_gold"])[2]
        tgt = prf(row["tgt_tp"], row["tgt_pred"], row["tgt_gold"])[2]
        lines.append(
            f"{row['doc']:32} {ent:7.3f} {claim:9.3f} {tgt:7.3f} "
            f"{row['claim_pred']:>5}/{row['claim_gold']:<5}"
        )
    if set(scores.claim_classes) - {"(no class)", "-"}:
        lines += ["", f"{'claim class':16} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'pred':>5} {'gold':>5}"]
        for cls, c in sorted(scores.claim_classes.items()):
            p, r, f = prf(c["tp"], c["pred"], c["gold"])
            lines.append(f"{cls:16} {p:6.3f} {r:6.3f} {f:6.3f} {c['tp']:5} {c['pred']:5} {c['gold']:5}")
    lines += ["", f"{'claim type':16} {'gold':>5} {'pred':>5} {'matched, same type':>19}"]
    for type_, c in sorted(scores.claim_types.items()):
        lines.append(f"{type_:16} {c['gold']:5} {c['pred']:5} {c['tp']:19}")
    if scores.confusion:
        kinds = sorted({k for pair in scores.confusion for k in pair})
        lines += ["", "confusion (rows gold, columns predicted, over matched claims)"]
        lines.append(" " * 12 + "".join(f"{k[:5]:>6}" for k in kinds))
        for g in kinds:
            lines.append(f"{g:12}" + "".join(f"{scores.confusion.get((g, p), 0):6}" for p in kinds))
    return "\n".join(lines)
