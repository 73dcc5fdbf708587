"""Secret redaction: every string is passed through here before it is stored.

A secret becomes a typed marker, ``[REDACTED:<type>]`` (``[REDACTED:aws-access-key]``),
so a reader still sees that a key was there and what kind it was.

Speed matters: the drain redacts every string of every payload, so all rules
are one compiled alternation scanned once per string, and each rule starts
with a literal or a small character class that sre can skip through quickly.
Rules that need more than a regex (entropy, "is this a placeholder?") get a
validator that runs only on the rare candidate match.

Over-redaction is the safe direction: when a rule is unsure (``secret: x`` in
prose) it redacts. Look-alikes that are common in code and tool output (git
SHAs, UUIDs, integrity hashes, base64 images) are kept.
"""

import base64
import binascii
import math
import re

MARKER = "[REDACTED:%s]"

#: Strings shorter than this cannot hold a secret worth a rule (the shortest,
#: ``pwd=x``-style assignments, are longer); skipping them saves most calls.
MIN_LENGTH = 8

#: Bits per character above which a value in an assignment counts as a key.
#: Random base64 of 20+ chars scores ~4.1-5; English words and camelCase
#: identifiers stay near 3-3.8; hex can never exceed 4.0 (16 symbols).
ENTROPY_BITS = 4.0

#: Shortest value the entropy rule looks at: shorter random strings do not
#: reach the threshold reliably, and nothing shorter is a credible key.
ENTROPY_MIN_LENGTH = 20

#: Share of neighbouring characters that change class (upper/lower/digit/
#: symbol) above which a value looks random; camelCase stays well below.
ENTROPY_MIN_SWITCHES = 0.3

# Values that name a secret instead of holding it: env references,
# templates, redaction markers, masks, obvious empties.
_PLACEHOLDER = re.compile(
    r"""(?ix)^(?:
        \$\{?[\w.\-]*\}?.* | \{\{.*\}\} | <[^>]*> | %\(?\w*\)?s? | \[REDACTED[^\]]*\]? |
        \*+ | x{3,} | \.{3} | …  | null | none | nil | true | false | undefined |
        (?:process\.env|os\.environ|os\.getenv|getenv|env|secrets|vars|settings|config)\b.* |
        changeme | your[_\-]?\w* | example\w* | dummy | redacted | required | optional | string
    )$"""
)

_CLASSES = (str.isupper, str.islower, str.isdigit)


def _classes(value):
    return sum(1 for test in _CLASSES if any(test(c) for c in value))


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
        len(value) >= ENTROPY_MIN_LENGTH
        and _classes(value) >= 3
        and _switches(value) >= ENTROPY_MIN_SWITCHES
        and entropy(value) >= ENTROPY_BITS
    )


def _placeholder(value):
    return not value or _PLACEHOLDER.match(value) is not None


def _strong(value):
    """For keys that certainly name a secret: anything but a placeholder."""
    return not _placeholder(value)


def _weak(value):
    """For keys that may name a secret (token, *_key): token-like values only."""
    return len(value) >= 8 and _classes(value) >= 2 and not _placeholder(value) and "/" not in value[:2]


def _has_digit(value):
    return any(c.isdigit() for c in value)


def _basic(value):
    """Basic auth is base64 of ``user:password``."""
    try:
        return b":" in base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False


# Key words that name a secret. Strong: the value is a secret whatever it
# looks like. Weak: also used for counts and ids (max_tokens, sort_key).
_STRONG_KEY = r"(?:password|passwd|passphrase|secret|private[_\-]?key|credentials?)"
_WEAK_KEY = r"(?:api[_\-]?key|apikey|access[_\-]?key|auth[_\-]?key|token|[_\-]key)"
_KEY_TAIL = r"[A-Za-z0-9_.\-]*"
# key, then = : := => (optionally quoted key, as in JSON), then the value,
# quoted (up to the quote) or bare (up to whitespace or a delimiter).
_ASSIGN = (
    r"""(?:["']?[ \t]*(?::=|=>|=|:)[ \t]*)"""
    r"""(?:"(?P<{0}q>[^"\n]*)"|'(?P<{0}s>[^'\n]*)'|(?P<{0}v>[^\s"'`,;<>(){{}}\[\]]+))"""
)

# (type, pattern, validator). The value to replace is the group ``<name>v``
# (or ``q``/``s`` for quoted forms) when the rule has one, else the match.
RULES = [
    ("private-key",
     r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)",
     None),
    ("anthropic-key", r"(?<![\w\-])sk-ant-[A-Za-z0-9_\-]{20,}", None),
    ("openai-key", r"(?<![\w\-])sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}", _has_digit),
    ("google-api-key", r"(?<![\w\-])AIza[0-9A-Za-z_\-]{35}", None),
    ("google-oauth-secret", r"(?<![\w\-])GOCSPX-[0-9A-Za-z_\-]{24,}", None),
    ("google-oauth-token", r"(?<![\w\-])ya29\.[0-9A-Za-z_\-]{20,}", None),
    ("aws-access-key", r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}(?![A-Za-z0-9])", None),
    ("aws-secret-key",
     r"(?i:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)" + _KEY_TAIL + _ASSIGN.format("awss"),
     _strong),
    ("azure-key", r"(?:AccountKey|SharedAccessKey)=(?P<azkv>[A-Za-z0-9+/]{20,}={0,2})", None),
    ("azure-sas", r"(?<=[?&;])sig=(?P<azsv>[A-Za-z0-9%+/=]{16,})", None),
    ("github-token", r"(?<![\w\-])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})", None),
    ("gitlab-token", r"(?<![\w\-])gl(?:pat|dt|rt|ptt|ft|soat|cbt|imt)-[A-Za-z0-9_\-]{20,}", None),
    ("slack-token", r"(?<![\w\-])(?:xox[abposr]|xapp)-[A-Za-z0-9\-]{10,}", _has_digit),
    ("slack-webhook", r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\-]{16,}", None),
    ("stripe-key", r"(?<![\w\-])(?:sk|rk|whsec)_(?:live_|test_)?[A-Za-z0-9]{16,}", _has_digit),
    ("twilio-key", r"(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])", None),
    ("twilio-sid", r"(?<![A-Za-z0-9])AC[0-9a-f]{32}(?![A-Za-z0-9])", None),
    ("npm-token", r"(?<![\w\-])npm_[A-Za-z0-9]{36}", None),
    ("pypi-token", r"(?<![\w\-])pypi-Ag[A-Za-z0-9_\-]{50,}", None),
    ("jwt", r"(?<![\w\-])eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*", None),
    ("url-password",
     r"(?<=://)[^\s:/?#@'\"]{1,128}:(?P<urlpv>[^\s/?#@'\"]{1,256})@(?=[A-Za-z0-9\[])",
     None),
    ("authorization",
     r"(?i:(?:proxy-)?authorization|x-api-key|x-auth-token|api-key|private-token)[ \t]*[:=][ \t]*(?P<authv>[^\r\n\"']{6,})",
     None),
    ("bearer", r"(?<![\w\-])(?:Bearer|bearer|BEARER)[ \t]+(?P<bearv>[A-Za-z0-9\-._~+/]{12,}=*)", _has_digit),
    ("basic-auth", r"(?<![\w\-])(?:Basic|basic|BASIC)[ \t]+(?P<basv>[A-Za-z0-9+/]{6,}={0,2})", _basic),
    ("password",
     r"(?<![A-Za-z])--?(?i:" + _STRONG_KEY + ")" + _KEY_TAIL + r"(?:[ \t]+|=)(?P<flagv>[^\s\"'`-][^\s\"'`]*)",
     _strong),
    ("password", r"(?i:" + _STRONG_KEY + ")" + _KEY_TAIL + _ASSIGN.format("strong"), _strong),
    ("token", r"(?i:" + _WEAK_KEY + ")" + _KEY_TAIL + _ASSIGN.format("weak"), _weak),
    ("high-entropy",
     r"(?<=[=:])[ \t]*[\"']?(?P<entv>[A-Za-z0-9+/_\-.]{%d,}={0,2})" % ENTROPY_MIN_LENGTH,
     looks_random),
]

_NAMES = {}
_parts = []
for _i, (_type, _pattern, _check) in enumerate(RULES):
    _group = "r%d" % _i
    _NAMES[_group] = (_type, _check)
    _parts.append("(?P<%s>%s)" % (_group, _pattern))
_SCAN = re.compile("|".join(_parts))
del _i, _type, _pattern, _check, _group, _parts

# The typed token rules alone, to name a secret found inside an assignment.
_TOKEN_TYPES = [
    (t, re.compile(p)) for t, p, c in RULES[1:20] if "?P<" not in p and c is None
]

# Keys too generic to carry secrets even when their value is random: hashes,
# digests, ids. Their values are kept by the entropy rule.
_HASH_KEY = re.compile(
    r"(?i)(?:integrity|hash|digest|checksum|sha\d*|md5|commit|etag|uuid|guid|[_\-]?ids?|resolved|nonce|version|ref)[\"']?[ \t]*[=:][ \t]*[\"']?$"
)
_DIGEST_PREFIX = re.compile(r"(?i)(?:sha\d+|md5|blake\w*)[-:]")


_GROUP_INDEX = dict(_SCAN.groupindex)


def _specific(value, default):
    for kind, pattern in _TOKEN_TYPES:
        if pattern.search(value):
            return kind
    return default


def _replace(match):
    group = match.lastgroup
    kind, check = _NAMES[group]
    start, end = match.span(group)
    vstart = vend = -1
    for index in _OWN_VALUES[group]:
        vstart, vend = match.span(index)
        if vstart >= 0:
            break
    if vstart < 0:
        vstart, vend = start, end
    value = match.string[vstart:vend]
    if check is not None and not check(value):
        return match.group(0)
    if kind == "high-entropy":
        before = match.string[max(0, start - 48):start + 1]
        if _HASH_KEY.search(before) or _DIGEST_PREFIX.match(value):
            return match.group(0)
    if vstart != start or vend != end:
        kind = _specific(value, kind)
    text = match.string
    return text[start:vstart] + MARKER % kind + text[vend:end]


# For each rule group, the named value groups nested inside it, in order.
_OWN_VALUES = {}
_ordered = sorted(_GROUP_INDEX.items(), key=lambda item: item[1])
for _pos, (_name, _idx) in enumerate(_ordered):
    if _name in _NAMES:
        own = []
        for _inner, _j in _ordered[_pos + 1:]:
            if _inner in _NAMES:
                break
            own.append(_j)
        _OWN_VALUES[_name] = own
del _ordered, _pos, _name, _idx


def redact_text(text):
    """Replace every secret in ``text`` with a typed marker."""
    if len(text) < MIN_LENGTH:
        return text
    return _SCAN.sub(_replace, text)


# A dict key that names a secret: its string value is redacted whole.
_SECRET_KEY = re.compile(
    r"(?i)(?:password|passwd|passphrase|secret|private[_\-]?key|credentials?|"
    r"api[_\-]?key|apikey|access[_\-]?key|auth[_\-]?key|authorization|"
    r"(?:access|refresh|auth|id|session|bearer|api|csrf|xsrf)[_\-]?token|^token$|cookie)"
)
# Keys that contain a secret word but are not secrets (counts, flags, ids).
_NOT_SECRET_KEY = re.compile(r"(?i)(?:tokens$|_count$|^max_|_id$|^has_|^is_|_type$|_name$|_path$|_file$)")
_key_cache = {}


def secret_key(key):
    """True when a mapping key names a secret (``password``, ``api_key``...)."""
    found = _key_cache.get(key)
    if found is None:
        found = bool(_SECRET_KEY.search(key)) and not _NOT_SECRET_KEY.search(key)
        if len(_key_cache) < 10000:
            _key_cache[key] = found
    return found


def _key_type(key):
    lowered = key.lower()
    for word, kind in (("pass", "password"), ("secret", "secret"), ("private", "private-key"),
                       ("cookie", "cookie"), ("authorization", "authorization"), ("key", "api-key")):
        if word in lowered:
            return kind
    return "token"


def redact_value(value):
    """Deep-redact a JSON value: strings by rule, and whole values under secret keys."""
    if isinstance(value, str):
        return redact_text(value) if len(value) >= MIN_LENGTH else value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and item and isinstance(key, str) and secret_key(key):
                out[key] = item if _placeholder(item) else MARKER % _specific(item, _key_type(key))
            else:
                out[key] = redact_value(item)
        return out
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value
