"""Secret redaction: every string is passed through here before it is stored.

A secret becomes a typed marker, ``[REDACTED:<type>]`` (``[REDACTED:aws-access-key]``),
so a reader still sees that a key was there and what kind it was.

Speed matters: the drain redacts every string of every payload. Python's
``re`` has no multi-pattern search, so an alternation of 30 rules costs 30
tries at every character. Instead:

* every token format with a fixed prefix (``sk-``, ``ghp_``, ``AKIA``...) and
  the high-entropy rule are one regex anchored on the character *before*
  the token (a separator), so most positions fail on one class test;
* the keyword rules (``password=``, ``Authorization:``, ``Bearer``...) only
  run when a cheap substring test on the lower-cased text finds their word;
* short strings are skipped and repeated short strings (paths, ids) cached.

Over-redaction is the safe direction: when a rule is unsure (``secret: x`` in
prose) it redacts. Look-alikes common in code and tool output (git SHAs,
UUIDs, integrity hashes, base64 images) are kept. ``benchmarks/redact.py``
measures the cost; ``tests/test_redaction.py`` the catch and false-positive rates.
"""

import math
import re

import orjson

try:
    import ahocorasick_rs
except ImportError:  # pragma: no cover - a slower pure-Python search stands in
    ahocorasick_rs = None

from . import rules
from .rules import MARKER

#: Strings shorter than this cannot hold a secret worth a rule (the shortest,
#: ``pwd=x``-style assignments, are longer); skipping them saves most calls.
MIN_LENGTH = 8

#: Strings up to this long are cached: hook payloads repeat the same cwd,
#: transcript path and ids in every event.
CACHE_MAX_LENGTH = 512
CACHE_ENTRIES = 4096

#: Bits per character above which an assigned value counts as a key.
#: Random base64 of 20+ chars scores ~4.1-5; English words and camelCase
#: identifiers stay near 3-3.8; hex can never exceed 4.0 (16 symbols).
ENTROPY_BITS = 4.0

#: Shortest value the entropy rule looks at: shorter random strings do not
#: reach the threshold reliably, and nothing shorter is a credible key.
ENTROPY_MIN_LENGTH = 20

#: Longer values are data (an inline image, a blob), not a key: key formats
#: longer than this all have their own rule.
ENTROPY_MAX_LENGTH = 256

#: Share of neighbouring characters that change class (upper/lower/digit/
#: symbol) above which a value looks random; camelCase stays well below.
ENTROPY_MIN_SWITCHES = 0.3


def entropy(value):
    """Shannon entropy in bits per character."""
    n = len(value)
    if not n:
        return 0.0
    counts = {}
    for c in value:
        counts[c] = counts.get(c, 0) + 1
    return -sum(k / n * math.log2(k / n) for k in counts.values())


def _kind(c):
    return 0 if c.isupper() else 1 if c.islower() else 2 if c.isdigit() else 3


def _switches(value):
    kinds = [_kind(c) for c in value]
    return sum(1 for a, b in zip(kinds, kinds[1:]) if a != b) / max(len(value) - 1, 1)


def looks_random(value):
    """A high-entropy token: long, mixed classes, switching often, high entropy."""
    return (
        ENTROPY_MIN_LENGTH <= len(value) <= ENTROPY_MAX_LENGTH
        and rules.classes(value) >= 3
        and not value.startswith(rules.BLOB_MAGIC)
        and _switches(value) >= ENTROPY_MIN_SWITCHES
        and entropy(value) >= ENTROPY_BITS
    )


def _entropy_ok(text, start, value):
    """The entropy rule, with the key in front of ``=``/``:`` taken into account."""
    key = rules.key_before(text, start - 1)
    if rules.HASH_KEY.search(key) or rules.DIGEST_PREFIX.match(value):
        return False
    if rules.SECRET_WORD.search(key):
        return False  # the keyword rules below name it better
    return looks_random(value)


def _replacement(match, table, text):
    """The text to put in place of ``match`` (a rule group), or None to keep it."""
    group = match.lastgroup
    kind, check, value_groups = table[group]
    start, end = match.span(group)
    vstart = vend = -1
    for index in value_groups:
        vstart, vend = match.span(index)
        if vstart >= 0:
            break
    if vstart < 0:
        vstart, vend = start, end
    value = text[vstart:vend]
    if kind == "high-entropy":
        if not _entropy_ok(text, start, value):
            return None
    elif check is not None and not check(text, start, vstart, vend, value):
        return None
    if kind in rules.KEYED:
        kind = rules.key_type(rules.full_key(text, start), kind)
    if vstart != start or vend != end:
        kind = rules.specific(value, kind)
    whole_start, whole_end = match.span()
    return text[whole_start:vstart] + MARKER % kind + text[vend:whole_end]


def _compile(table_rules, prefix=""):
    """One regex for a list of rules, and the table ``_replacement`` reads."""
    parts = ["(?P<r%d>%s)" % (i, pattern) for i, (_k, pattern, _c) in enumerate(table_rules)]
    regex = re.compile(prefix + "(?:" + "|".join(parts) + ")")
    ordered = sorted(regex.groupindex.items(), key=lambda item: item[1])
    table = {}
    for pos, (name, _idx) in enumerate(ordered):
        if not _RULE_GROUP.fullmatch(name):
            continue
        own = []  # the rule's value groups: the named groups nested in it
        for inner, j in ordered[pos + 1:]:
            if _RULE_GROUP.fullmatch(inner):
                break
            own.append(j)
        kind, _pattern, check = table_rules[int(name[1:])]
        table[name] = (kind, check, own)
    return regex, table


_RULE_GROUP = re.compile(r"r\d+")


class _Group:
    """Rules tried only where one of their anchor substrings occurs.

    Anchors are found with ``str.find`` (C speed); the group's regex is then
    ``match``-ed at each anchor position only.
    """

    __slots__ = ("name", "anchors", "banchors", "lowered", "regex", "table", "fallback")

    def __init__(self, name, anchors, lowered, group):
        self.name = name
        self.anchors = anchors
        self.banchors = tuple(a.encode() for a in anchors)
        self.lowered = lowered
        self.regex, self.table = _compile(group)
        # When lower() changes the length (rare non-ASCII), find anchors this way.
        self.fallback = re.compile("|".join(re.escape(a) for a in anchors), re.IGNORECASE)

    def apply(self, text, lower, anchors):
        subject = lower if self.lowered else text
        positions = []
        if self.lowered and len(lower) != len(text):
            positions = [m.start() for m in self.fallback.finditer(text)]
        else:
            for anchor in anchors:
                i = subject.find(anchor)
                while i >= 0:
                    positions.append(i)
                    i = subject.find(anchor, i + 1)
        if not positions:
            return text
        positions.sort()
        out = []
        last = 0
        for pos in positions:
            if pos < last:
                continue
            match = self.regex.match(text, pos)
            if match is None:
                continue
            new = _replacement(match, self.table, text)
            if new is None:
                continue
            out.append(text[last:match.start()])
            out.append(new)
            last = match.end()
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)


_GROUPS = [_Group(*spec) for spec in rules.GROUPS]
# The entropy rule runs after these groups and before the keyword ones.
_ENTROPY_AFTER = [g.name for g in _GROUPS].index("azure") + 1
_ENTROPY, _ENTROPY_TABLE = _compile([("high-entropy", rules.ENTROPY_PATTERN, None)])
_ENTROPY_PREFILTER = re.compile(rules.ENTROPY_PREFILTER)
_EVERYTHING = tuple((g, g.anchors) for g in _GROUPS), True


def _entropy_replace(match):
    new = _replacement(match, _ENTROPY_TABLE, match.string)
    return match.group(0) if new is None else new


def _anchor_index(lowered):
    """(anchors as bytes, [(group position, anchor)]) for one case mode."""
    patterns, owners = [], []
    for position, group in enumerate(_GROUPS):
        if group.lowered == lowered:
            for anchor in group.anchors:
                patterns.append(anchor.encode())
                owners.append((position, anchor))
    return patterns, owners


_SENSITIVE = _anchor_index(False)
_LOWERED = _anchor_index(True)

if ahocorasick_rs is not None:
    # One pass finds every anchor (SIMD-accelerated in the Rust crate).
    def _searcher(patterns):
        automaton = ahocorasick_rs.BytesAhoCorasick(patterns)
        return lambda raw: automaton.find_matches_as_indexes(raw, overlapping=True)
else:
    def _searcher(patterns):
        def search(raw):
            found = []
            for i, p in enumerate(patterns):
                at = raw.find(p)
                while at >= 0:
                    found.append((i, at, at + len(p)))
                    at = raw.find(p, at + 1)
            return found
        return search


def _in_plain_key(raw, start, end):
    """True when bytes ``start:end`` of a JSON text lie in an object key that names no secret.

    Transcripts carry ``input_tokens`` in every usage block: such a key must
    not make every string of the payload go through the keyword rules.
    """
    close = raw.find(b'"', end)
    while close > 0 and raw[close - 1] == 0x5C:  # an escaped quote: still inside the string
        close = raw.find(b'"', close + 1)
    if close < 0 or raw[close + 1:close + 2] != b":":
        return False
    open_ = raw.rfind(b'"', 0, start)
    while open_ > 0 and raw[open_ - 1] == 0x5C:
        open_ = raw.rfind(b'"', 0, open_)
    key = raw[open_ + 1:close].decode("utf-8", "replace")
    return not rules.secret_key(key)

_FIND_SENSITIVE = _searcher(_SENSITIVE[0])
_FIND_LOWERED = _searcher(_LOWERED[0])


def plan(raw):
    """Which rules can match anywhere in ``raw`` (bytes): ``(groups, entropy)`` or None.

    One pass over a payload's JSON decides for all its strings, so a payload
    with no anchor anywhere costs two automaton passes and one regex search.
    """
    found = {}
    for owners, matches, words in ((_SENSITIVE[1], _FIND_SENSITIVE(raw), False),
                                   (_LOWERED[1], _FIND_LOWERED(raw.lower()), True)):
        for index, start, end in matches:
            position, anchor = owners[index]
            # A keyword in a plain key (input_tokens) is skipped; a token format
            # is not: a secret can be a key itself ({"ghp_...": "dana"}).
            if anchor in found.get(position, ()) or (words and _in_plain_key(raw, start, end)):
                continue
            found.setdefault(position, set()).add(anchor)
    # JSON syntax colons (after a closing quote) are not assignments; an
    # escaped quote before a colon is JSON inside a string and stays.
    masked = raw.replace(b'\\":', b'\\"=').replace(b'":', b'"\x00')
    entropy = _ENTROPY_PREFILTER.search(masked) is not None
    if not found and not entropy:
        return None
    groups = tuple((_GROUPS[p], tuple(found[p])) for p in sorted(found))
    return groups, entropy


def _redact(text, steps):
    groups, entropy = steps
    lower = text.lower()
    done = 0
    for index, (group, anchors) in enumerate(groups):
        if entropy and done == 0 and _GROUPS.index(group) >= _ENTROPY_AFTER:
            text, lower, done = _entropy(text, lower), None, 1
            lower = text.lower()
        new = group.apply(text, lower, anchors)
        if new is not text:
            text = new
            lower = text.lower()
    if entropy and done == 0:
        text = _entropy(text, lower)
    return text


def _entropy(text, lower):
    if "=" in text or ":" in text:
        return _ENTROPY.sub(_entropy_replace, text)
    return text


def _cached(text, steps):
    short = len(text) <= CACHE_MAX_LENGTH
    if short:
        found = _cache.get(text)
        if found is not None:
            return found
    result = _redact(text, steps)
    if short:
        if len(_cache) >= CACHE_ENTRIES:
            _cache.clear()
        _cache[text] = result
    return result


_cache = {}


def redact_text(text):
    """Replace every secret in ``text`` with a typed marker."""
    if len(text) < MIN_LENGTH:
        return text
    found = _cache.get(text) if len(text) <= CACHE_MAX_LENGTH else None
    if found is not None:
        return found
    steps = plan(text.encode("utf-8", "surrogatepass"))
    if steps is None:
        return text
    return _cached(text, steps)


def redact_value(value):
    """Deep-redact a JSON value: strings by rule, and whole values under secret keys."""
    if isinstance(value, str):
        return redact_text(value)
    try:
        raw = orjson.dumps(value)
    except TypeError:  # not plain JSON (bytes, int keys...): check everything
        steps = _EVERYTHING
    else:
        steps = plan(raw)
        if steps is None:
            return value
    return _walk(value, steps)


def _walk(value, steps):
    if isinstance(value, str):
        return _cached(value, steps) if len(value) >= MIN_LENGTH else value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(key, str) and len(key) >= MIN_LENGTH:
                new = _cached(key, steps)  # a secret used as a key ({"sk-...": "prod"})
                if new is not key and new != key:
                    while new in out or new in value:
                        new += "'"  # two redacted keys stay two entries
                    key = new
            if isinstance(item, str) and item and isinstance(key, str) and rules.secret_key(key):
                if rules.placeholder(item):
                    out[key] = item
                else:
                    out[key] = MARKER % rules.specific(item, rules.key_type(key, "token"))
            else:
                out[key] = _walk(item, steps)
        return out
    if isinstance(value, list):
        return [_walk(item, steps) for item in value]
    return value
