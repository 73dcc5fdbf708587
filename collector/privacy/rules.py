"""The redaction rules: token formats, keyword assignments and their checks.

Each rule is ``(type, pattern, check)``. The part to replace is the rule's
first named inner group that matched (``<name>v``/``q``/``s``), else the
whole rule match; everything else the rule matched (a key, ``=``, quotes)
is kept. ``check(text, start, vstart, vend, value)`` may turn a candidate
down. ``collector.privacy.redact`` compiles and runs them.
"""

import base64
import binascii
import re

MARKER = "[REDACTED:%s]"

# Values that name a secret instead of holding it: env references,
# templates, redaction markers, masks, type names, obvious empties.
_PLACEHOLDER = re.compile(
    r"""(?ix)^(?:
        \$\{?[\w.\-]*\}?.* | \{\{.*\}\} | <[^>]*> | %\(?\w*\)?s? | \[REDACTED[^\]]*\]?.* |
        \*+ | x{3,} | \.{3} | … | null | none | nil | true | false | undefined |
        (?:process\.env|os\.environ|os\.getenv|getenv|env|secrets|vars|settings|config)\b.* |
        (?:self|this|cls|args|options|opts|request|req|params)\..* |
        str | bytes | int | string | secretstr | optional\[.* | any | object |
        changeme | your[_\-]?\w* | example\w* | dummy | redacted | required | optional
    )$"""
)

_CLASS_TESTS = (str.isupper, str.islower, str.isdigit)


def classes(value):
    """How many of upper case, lower case and digits ``value`` contains."""
    return sum(1 for test in _CLASS_TESTS if any(test(c) for c in value))


def placeholder(value):
    return not value or _PLACEHOLDER.match(value) is not None


# --- checks ------------------------------------------------------------------


def _digit(text, start, vstart, vend, value):
    return any(c.isdigit() for c in value)


def _strong(text, start, vstart, vend, value):
    """Keys that certainly name a secret: any value but a placeholder or code."""
    if placeholder(value) or NOT_SECRET_KEY.search(full_key(text, start)):
        return False
    if text[vend:vend + 1] in ("(", "[", ".") and text[vstart - 1:vstart] not in ("'", '"'):
        return False  # a call, subscript or attribute: code, not a literal
    return True


def _weak(text, start, vstart, vend, value):
    """Keys that may name a secret (token, *_key): token-like values only."""
    return (
        len(value) >= 8 and classes(value) >= 2 and " " not in value
        and not value.startswith(("/", "./", "~/", "http://", "https://"))
        and _WEAK_NAME.search(full_key(text, start)) is not None
        and _strong(text, start, vstart, vend, value)
    )


def _mixed(text, start, vstart, vend, value):
    """Random-looking: upper and lower case (``hf_hub_download_model_files`` has neither mix)."""
    return classes(value[3:]) >= 2 and not value[3:].islower()


def _given(text, start, vstart, vend, value):
    """A value typed on a command line, not ``$VAR`` or ``<password>``."""
    return not placeholder(value)


def _auth(text, start, vstart, vend, value):
    """An Authorization header value, past its scheme word, that is not a placeholder."""
    parts = value.strip().split(None, 1)
    return bool(parts) and not placeholder(parts[-1].strip())


def _basic(text, start, vstart, vend, value):
    """Basic auth is base64 of ``user:password``."""
    try:
        return b":" in base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False


# --- keys ----------------------------------------------------------------------

_KEY_CHARS = re.compile(r"[A-Za-z0-9_.\-]*")


def key_at(text, start):
    """The key name that starts at ``start`` (a keyword rule's match)."""
    return _KEY_CHARS.match(text, start).group(0)


_KEY_SET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def key_before(text, end):
    """The key name in front of ``end``, skipping one separator, quotes and blanks."""
    low = max(0, end - 96)
    i = end
    while i > low and text[i - 1] in " \t\"'":
        i -= 1
    if i > low and text[i - 1] in "=:>":
        i -= 1
        while i > low and text[i - 1] in " \t=:":
            i -= 1
    while i > low and text[i - 1] in " \t\"'":
        i -= 1
    stop = i
    while i > low and text[i - 1] in _KEY_SET:
        i -= 1
    return text[i:stop]


def full_key(text, start):
    """The whole key around a keyword found at ``start`` (``DB_`` + ``PASSWORD``)."""
    i = start
    low = max(0, start - 64)
    while i > low and text[i - 1] in _KEY_SET:
        i -= 1
    return text[i:start].lstrip("-.") + key_at(text, start)


# Which keys around ``token``/``key`` name a secret (not ``monkey``, ``key``).
_WEAK_NAME = re.compile(
    r"(?i)token|[_\-.]key|(?:api|access|auth|secret|private|master|signing|encryption|license|client)key"
)


SECRET_WORD = re.compile(
    r"(?i)password|passwd|passphrase|secret|private[_\-]?key|credential|token|api[_\-]?key|apikey|"
    r"access[_\-]?key|auth"
)

# Keys too generic to carry secrets even when their value is random: hashes,
# digests, ids. Their values are kept by the entropy rule.
HASH_KEY = re.compile(
    r"(?i)(?:integrity|hash|digest|checksum|sha\d*|md5|commit|etag|uuid|guid|ids?|resolved|"
    r"nonce|version|ref|data|image|src|href|content|body|blob)$"
)
DIGEST_PREFIX = re.compile(r"(?i)(?:sha\d+|md5|blake\w*)[-:]")
# Base64 of common binary files (PNG, JPEG, GIF, WebP, PDF, gzip, zip).
BLOB_MAGIC = ("iVBORw0KGgo", "/9j/", "R0lGOD", "UklGR", "JVBER", "H4sI", "UEsDB")

# Keys that contain a secret word but are not secrets (counts, flags, ids, refs).
NOT_SECRET_KEY = re.compile(
    r"(?i)(?:tokens$|tokenizer?$|^max_|^has_|^is_|[_\-]?(?:count|id|type|name|path|file|url|uri|"
    r"endpoint|length|len|hash|field|policy|expires?(?:_at|_in)?|env|var|ref|stdin)$)"
)

# A mapping key that names a secret: its whole string value is redacted.
_SECRET_KEY = re.compile(
    r"(?i)(?:password|passwd|passphrase|secret|private[_\-]?key|credentials?|"
    r"api[_\-]?key|apikey|access[_\-]?key|auth[_\-]?key|authorization|"
    r"(?:access|refresh|auth|id|session|bearer|api|csrf|xsrf)[_\-]?token|^token$|cookie)"
)
_key_cache = {}


def secret_key(key):
    """True when a mapping key names a secret (``password``, ``api_key``...)."""
    found = _key_cache.get(key)
    if found is None:
        found = bool(_SECRET_KEY.search(key)) and not NOT_SECRET_KEY.search(key)
        if len(_key_cache) < 10000:
            _key_cache[key] = found
    return found


_KEY_TYPES = (
    ("aws_secret", "aws-secret-key"), ("awssecret", "aws-secret-key"),
    ("secret_access", "aws-secret-key"), ("secretaccess", "aws-secret-key"),
    ("pass", "password"), ("secret", "secret"), ("private", "private-key"), ("credential", "secret"),
    ("cookie", "cookie"), ("authorization", "authorization"), ("token", "token"), ("key", "api-key"),
)
# Rules whose type comes from the key they matched.
KEYED = frozenset(("password", "token"))


def key_type(key, default):
    lowered = key.lower()
    for word, kind in _KEY_TYPES:
        if word in lowered:
            return kind
    return default


# --- rules ---------------------------------------------------------------------

# Fixed-prefix token formats. Each starts at a word boundary: a token inside
# a longer word (``task-...`` for ``sk-``) is not one.
_B = r"(?<![A-Za-z0-9_\-])"
TOKEN_RULES = [
    ("anthropic-key", _B + r"sk-ant-[A-Za-z0-9_\-]{20,}", None),
    ("openai-key", _B + r"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}", _digit),
    ("google-api-key", _B + r"AIza[0-9A-Za-z_\-]{35}", None),
    ("google-oauth-secret", _B + r"GOCSPX-[0-9A-Za-z_\-]{24,}", None),
    ("google-oauth-token", _B + r"ya29\.[0-9A-Za-z_\-]{20,}", None),
    ("aws-access-key", r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])", None),
    ("github-token", _B + r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})", None),
    ("gitlab-token", _B + r"gl(?:pat|dt|rt|ptt)-[A-Za-z0-9_\-]{20,}", None),
    ("slack-token", _B + r"(?:xox[abposr]|xapp)-[A-Za-z0-9\-]{10,}", _digit),
    ("stripe-key", _B + r"(?:sk|rk|whsec)_(?:live_|test_)?[A-Za-z0-9]{16,}", _digit),
    ("twilio-key", r"(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])", None),
    ("twilio-sid", r"(?<![A-Za-z0-9])AC[0-9a-f]{32}(?![A-Za-z0-9])", None),
    ("npm-token", _B + r"npm_[A-Za-z0-9]{36}", None),
    ("pypi-token", _B + r"pypi-Ag[A-Za-z0-9_\-]{50,}", None),
    ("sendgrid-key", _B + r"SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}", None),
    ("jwt", _B + r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*", None),
    ("docker-token", _B + r"dckr_pat_[A-Za-z0-9_\-]{20,}", None),
    ("huggingface-token", _B + r"hf_[A-Za-z0-9]{30,40}(?![A-Za-z0-9_])", _mixed),
]
TOKEN_ANCHORS = (
    "sk-", "sk_", "rk_", "whsec_", "AIza", "GOCSPX-", "ya29.", "AKIA", "ASIA", "ghp_", "gho_", "ghu_",
    "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "glrt-", "glptt-", "xox", "xapp-", "SK", "AC",
    "npm_", "pypi-", "SG.", "eyJ", "dckr_pat_", "hf_",
)

# After ``=`` or ``:`` (blanks and a quote allowed): a long token-ish value.
# Judged in collector.privacy.redact (it needs the key in front and the entropy).
ENTROPY_MIN = 20
ENTROPY_PATTERN = r"(?<=[=:])(?!//)[ \t]*[\"']?(?P<entv>[A-Za-z0-9+/_\-.]{%d,}={0,2})" % ENTROPY_MIN
# The same, on the JSON text of a whole payload (its syntax colons masked).
ENTROPY_PREFILTER = rb"""[=:][ \t]*(?:\\"|')?[A-Za-z0-9+/_\-.]{%d}""" % ENTROPY_MIN


_KEY_TAIL = r"[A-Za-z0-9_.\-]*"


def _assign(name):
    """``=``, ``:``, ``:=`` or ``=>`` (after an optional quote), then a quoted or bare value."""
    return (
        r"""["']?[ \t]*(?::=|=>|=|:)[ \t]*"""
        r"""(?:"(?P<{0}q>[^"\n]*)"|'(?P<{0}s>[^'\n]*)'|(?P<{0}v>[^\s"'`,;<>(){{}}\[\]=][^\s"'`,;<>(){{}}\[\]]*))"""
    ).format(name)


def _flag(name, key):
    """``--password value`` / ``--token=value`` on a command line."""
    return r"(?<=-)(?i:%s)%s(?:[ \t]+|=)(?P<%sv>[^\s\"'`\-][^\s\"'`]*)" % (key, _KEY_TAIL, name)


_STRONG_KEY = r"password|passwd|passphrase|secret|private[_\-]?key|credentials?"
_WEAK_KEY = r"token|key"

# Guarded groups: each runs only where one of its anchors occurs, and its
# rules are tried (``regex.match``) at each anchor position, so scanning is
# ``str.find`` fast. (type, pattern, check) as above.
PRIVATE_KEY_RULES = [
    ("private-key",
     r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
     r"(?:[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)",
     None),
]

URL_RULES = [
    ("slack-webhook", r"://hooks\.slack\.com/(?:services|workflows|triggers)/(?P<slackv>[A-Za-z0-9/_\-]{16,})", None),
    # The user may be empty: redis://:PASSWORD@host.
    ("url-password",
     r"://[^\s:/?#@'\"\[\]]{0,128}:(?P<urlv>[^\s/?#@'\"]{1,256})@(?=[A-Za-z0-9\[])",
     None),
]

# Passwords given to command-line tools in their own ways. A value that is
# only a variable (``-p"$PW"``) or a prompt (``mysql -p`` then a space) stays.
_QUOTED = r"""(?:'(?P<{0}q>[^'\n]+)'|"(?P<{0}s>[^"\n]+)"|(?P<{0}v>[^\s'"\-=:\[][^\s'"]*))"""
_SAME_COMMAND = r"""(?:[ \t]+[^\s|;&]+)*?"""
CLI_RULES = [
    # mysql -pPASSWORD (attached: "-p PASSWORD" would be -p, then a database name).
    ("password", r"(?i:mysql|mariadb)[\w\-]*" + _SAME_COMMAND + r"[ \t]+-p" + _QUOTED.format("my"), _given),
    ("password", r"sshpass(?:[ \t]+-[A-Za-oq-z]\S*)*[ \t]+-p[ \t]*" + _QUOTED.format("sp"), _given),
    # curl -u user:PASSWORD, --user user:PASSWORD (the user name stays).
    ("password", r"curl" + _SAME_COMMAND + r"""[ \t]+(?:-u|--user)(?:[ \t]+|=)"""
     r"""(?:'[^':\n]*:(?P<cuq>[^'\n]+)'|"[^":\n]*:(?P<cus>[^"\n]+)"|[^\s:'"\[\]]*:(?P<cuv>[^\s'"\[]+))""",
     _given),
    ("password", r"docker[ \t]+login" + _SAME_COMMAND + r"[ \t]+-p(?:[ \t]+|=)" + _QUOTED.format("dk"), _given),
    # aws configure set aws_secret_access_key VALUE (no = in between).
    ("aws-secret-key", r"(?i:aws_secret_access_key|aws_session_token)[ \t]+" + _QUOTED.format("aws"), _given),
]

AZURE_RULES = [
    ("azure-key", r"(?:AccountKey|SharedAccessKey)=(?P<azkv>[A-Za-z0-9+/]{20,}={0,2})", None),
    ("azure-sas", r"(?<=[?&;])sig=(?P<azsv>[A-Za-z0-9%+/=]{16,})", None),
]

HEADER_RULES = [
    ("authorization",
     r"(?i:(?:proxy-)?authorization|x-api-key|api-key|x-auth-token|private-token)[\"']?[ \t]*[:=][ \t]*[\"']?"
     r"(?P<authv>[^\r\n\"']{6,})",
     _auth),
    ("bearer", r"(?<![\w\-])(?i:bearer)[ \t]+(?P<bearv>[A-Za-z0-9\-._~+/]{12,}=*)", _digit),
    ("basic-auth", r"(?<![\w\-])(?i:basic)[ \t]+(?P<basv>[A-Za-z0-9+/]{6,}={0,2})", _basic),
]

def _not_a_path(text, start, vstart, vend, value):
    """``MYSQL_PWD=...`` holds a password; ``OLDPWD=/home/dana`` a directory."""
    return not value.startswith(("/", "~", ".", "$")) and _strong(text, start, vstart, vend, value)


STRONG_RULES = [
    ("password", _flag("sflag", _STRONG_KEY), _strong),
    # MYSQL_PWD, DB_PWD (the shell's own PWD and OLDPWD have no separator before it).
    ("password", r"[_\-](?i:pwd)" + _assign("pwd"), _not_a_path),
    ("password", "(?i:" + _STRONG_KEY + ")" + _KEY_TAIL + _assign("strong"), _strong),
]

WEAK_RULES = [
    ("token", _flag("wflag", _WEAK_KEY), _weak),
    ("token", "(?i:" + _WEAK_KEY + ")" + _KEY_TAIL + _assign("weak"), _weak),
]

# (name, anchors, find them in the lower-cased text?, rules), in the order
# they run. Private keys go first (their body must not be half-typed by later
# rules); the entropy rule runs between azure and headers (see redact.py).
GROUPS = [
    ("private-key", ("-----BEGIN",), False, PRIVATE_KEY_RULES),
    ("tokens", TOKEN_ANCHORS, False, TOKEN_RULES),
    ("url", ("://",), False, URL_RULES),
    ("cli", ("mysql", "mariadb", "sshpass", "curl", "docker", "aws_secret_access_key", "aws_session_token"),
     True, CLI_RULES),
    ("azure", ("AccountKey=", "SharedAccessKey=", "sig="), False, AZURE_RULES),
    ("headers", ("authorization", "api-key", "auth-token", "private-token", "bearer", "basic", "cookie"),
     True, HEADER_RULES),
    ("strong", ("password", "passwd", "passphrase", "secret", "private", "credential", "_pwd", "-pwd"), True,
     STRONG_RULES),
    ("weak", ("token", "key"), True, WEAK_RULES),
]

_SPECIFIC = [(kind, re.compile(pattern), check) for kind, pattern, check in TOKEN_RULES + PRIVATE_KEY_RULES]


def specific(value, default):
    """The type of a known token format found in ``value``, else ``default``."""
    for kind, pattern, check in _SPECIFIC:
        found = pattern.search(value)
        if found and (check is None or check(value, found.start(), found.start(), found.end(), found.group(0))):
            return kind
    return default
