"""Fake secrets in real formats, and look-alikes that are not secrets.

Every secret is assembled at import time from a seeded random generator and
split prefixes, so the repository holds no string a secret scanner would
flag, while the values have the exact shape of the real thing.

``SECRETS``: ``(id, expected_type, secret, text)`` where ``text`` is the
secret in the context it typically appears in (an .env line, a header, a
command...). After redaction ``secret`` must not appear in the output.
``LOOKALIKES``: ``(id, text)``; redaction must leave ``text`` unchanged.
"""

import base64
import random
import string

_rng = random.Random(20260302)

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def _r(alphabet, n):
    return "".join(_rng.choice(alphabet) for _ in range(n))


def _join(*parts):
    return "".join(parts)


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jwt(claims):
    head = _b64url(b'{"alg":"HS256","typ":"JWT"}')
    body = _b64url(claims.encode())
    return _join(head, ".", body, ".", _r(B64URL, 43))


def _pem(label, lines=8):
    body = "\n".join(_r(B64, 64) for _ in range(lines))
    dashes = "-" * 5
    return _join(dashes, "BEGIN ", label, dashes, "\n", body, "\n", dashes, "END ", label, dashes)


ANTHROPIC = _join("sk", "-ant-", "api03-", _r(B64URL, 93), "AA")
ANTHROPIC_ADMIN = _join("sk", "-ant-", "admin01-", _r(B64URL, 93), "AA")
OPENAI_LEGACY = _join("sk", "-", _r(ALNUM, 20), "T3Blbk", "FJ", _r(ALNUM, 20))
OPENAI_PROJECT = _join("sk", "-proj-", _r(B64URL, 74), "T3Blbk", "FJ", _r(B64URL, 74))
OPENAI_SVC = _join("sk", "-svcacct-", _r(B64URL, 64), "7", _r(ALNUM, 20))
GOOGLE_KEY = _join("AI", "za", "Sy", _r(B64URL, 33))
GOOGLE_KEY2 = _join("AI", "za", "Sy", _r(B64URL, 33))
GOOGLE_OAUTH_SECRET = _join("GOC", "SPX-", _r(B64URL, 28))
GOOGLE_CLIENT_SECRET_OLD = _r(B64URL, 24)
GOOGLE_ACCESS = _join("ya", "29.", "a0Ad", _r(B64URL, 150))
AWS_ID = _join("AK", "IA", _r(UPPER_DIGITS, 16))
AWS_ID2 = _join("AK", "IA", _r(UPPER_DIGITS, 16))
AWS_TEMP_ID = _join("AS", "IA", _r(UPPER_DIGITS, 16))
AWS_SECRET = _r(B64, 40)
AWS_SECRET2 = _r(B64, 40)
AZURE_ACCOUNT_KEY = _r(B64, 86) + "=="
AZURE_SB_KEY = _r(B64, 43) + "="
AZURE_SIG = _r(ALNUM, 30) + "%2B" + _r(ALNUM, 10) + "%3D"
GH_PAT = _join("gh", "p_", _r(ALNUM, 36))
GH_OAUTH = _join("gh", "o_", _r(ALNUM, 36))
GH_USER = _join("gh", "u_", _r(ALNUM, 36))
GH_SERVER = _join("gh", "s_", _r(ALNUM, 36))
GH_REFRESH = _join("gh", "r_", _r(ALNUM, 76))
GH_FINE = _join("github", "_pat_", "11A", _r(UPPER_DIGITS, 19), "_", _r(ALNUM, 59))
GITLAB = _join("gl", "pat-", _r(B64URL, 20))
SLACK_BOT = _join("xo", "xb-", _r(string.digits, 12), "-", _r(string.digits, 13), "-", _r(ALNUM, 24))
SLACK_USER = _join("xo", "xp-", _r(string.digits, 12), "-", _r(string.digits, 12), "-",
                   _r(string.digits, 13), "-", _r(HEX, 32))
SLACK_HOOK = _join("https://hooks", ".slack.com/services/T", _r(UPPER_DIGITS, 8), "/B",
                   _r(UPPER_DIGITS, 8), "/", _r(ALNUM, 24))
STRIPE_LIVE = _join("sk", "_live_", "51", _r(ALNUM, 97))
STRIPE_RESTRICTED = _join("rk", "_live_", "51", _r(ALNUM, 97))
STRIPE_TEST = _join("sk", "_test_", "4eC39", _r(ALNUM, 19))
STRIPE_WEBHOOK = _join("wh", "sec_", _r(ALNUM, 32))
TWILIO_KEY = _join("S", "K", _r(HEX, 32))
TWILIO_SID = _join("A", "C", _r(HEX, 32))
TWILIO_TOKEN = _r(HEX, 32)
NPM = _join("np", "m_", _r(ALNUM, 36))
NPM2 = _join("np", "m_", _r(ALNUM, 36))
PYPI = _join("py", "pi-", "AgEIcHlwaS5vcmc", _r(B64URL, 160))
JWT = _jwt('{"sub":"1234567890","name":"Dana","iat":1772441200}')
JWT2 = _jwt('{"iss":"https://auth.example.com","sub":"user-42","exp":1772444800}')
RSA_KEY = _pem("RSA PRIVATE KEY")
OPENSSH_KEY = _pem("OPENSSH PRIVATE KEY", 6)
EC_KEY = _pem("EC PRIVATE KEY", 3)
PKCS8_KEY = _pem("PRIVATE KEY", 10)
PGP_KEY = _pem("PGP PRIVATE KEY BLOCK", 5)
DB_PASSWORD = _join("Tr0ub4dor", "&3", _r(ALNUM, 4))
YAML_PASSWORD = _join("correct horse ", "battery staple ", _r(string.digits, 3))
JSON_PASSWORD = _join("pa$$", "w0rd!", _r(ALNUM, 6))
CLI_PASSWORD = _join("s3cr3t", "Pass", _r(string.digits, 4))
DJANGO_SECRET = _join("django-insecure-", _r(ALNUM + "!@#%^&*(-_=+)", 50))
PLAIN_TOKEN = _r(ALNUM, 40)
YAML_API_KEY = _r(HEX, 32)
BEARER = _r(B64URL, 48)
BASIC = base64.b64encode(_join("deploy:", _r(ALNUM, 16)).encode()).decode()
URL_PG = _join("pg", _r(ALNUM, 14))
URL_GH = _r(ALNUM, 20)
URL_MONGO = _join("m0ngo", _r(ALNUM, 10))
SENDGRID = _join("S", "G.", _r(B64URL, 22), ".", _r(B64URL, 43))
SIGNING_SEED = _r(B64, 44)
HMAC_SEED = _r(ALNUM, 32)
CLIENT_SECRET_JSON = _r(B64URL, 32)
CLI_TOKEN = _r(ALNUM, 32)
NPMRC_TOKEN = _join("np", "m_", _r(ALNUM, 36))
GCP_SA_KEY = _pem("PRIVATE KEY", 4).replace("\n", "\\n")
HEROKU_KEY = "%s-%s-%s-%s-%s" % (_r(HEX, 8), _r(HEX, 4), _r(HEX, 4), _r(HEX, 4), _r(HEX, 12))
MYSQL_PASS = _join("My", "Sq1", _r(ALNUM, 10))
# The command-line forms of issue #14.
MYSQL_ATTACHED = _join("Db", "9", _r(ALNUM, 12))
MYSQL_QUOTED = _join("Db", "&", _r(ALNUM, 10))
SSHPASS = _join("Ssh", "7", _r(ALNUM, 10))
CURL_USER = _join("Cu", "8", _r(ALNUM, 14))
AWS_CONFIGURE = _r(B64, 40)
REDIS_PASS = _join("Rd", "5", _r(ALNUM, 16))
DOCKER_PAT = _join("dckr", "_pat_", _r(B64URL, 27))
DOCKER_PASS = _join("Dk", "4", _r(ALNUM, 12))
HF_TOKEN = _join("h", "f_", _r(string.ascii_letters, 34))
MYSQL_PWD = _join("Pw", "3", _r(ALNUM, 9))
JSON_KEY_TOKEN = _join("gh", "p_", _r(ALNUM, 36))

SECRETS = [
    ("anthropic-env", "anthropic-key", ANTHROPIC, "ANTHROPIC_API_KEY=" + ANTHROPIC),
    ("anthropic-prompt", "anthropic-key", ANTHROPIC_ADMIN,
     "here is my admin key %s can you check the usage API?" % ANTHROPIC_ADMIN),
    ("openai-legacy", "openai-key", OPENAI_LEGACY, "client = OpenAI(api_key=\"%s\")" % OPENAI_LEGACY),
    ("openai-project", "openai-key", OPENAI_PROJECT, "export OPENAI_API_KEY=%s" % OPENAI_PROJECT),
    ("openai-svcacct", "openai-key", OPENAI_SVC, "key: %s" % OPENAI_SVC),
    ("google-api-key", "google-api-key", GOOGLE_KEY, "const firebaseKey = '%s';" % GOOGLE_KEY),
    ("google-api-key-url", "google-api-key", GOOGLE_KEY2,
     "curl 'https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key=%s'" % GOOGLE_KEY2),
    ("google-oauth-secret", "google-oauth-secret", GOOGLE_OAUTH_SECRET,
     '{"installed":{"client_id":"1234-abc.apps.googleusercontent.com","client_secret":"%s"}}'
     % GOOGLE_OAUTH_SECRET),
    ("google-client-secret-old", "secret", GOOGLE_CLIENT_SECRET_OLD,
     '"client_secret": "%s",' % GOOGLE_CLIENT_SECRET_OLD),
    ("google-access-token", "google-oauth-token", GOOGLE_ACCESS,
     "gcloud auth print-access-token\n%s\n" % GOOGLE_ACCESS),
    ("aws-access-key", "aws-access-key", AWS_ID, "aws_access_key_id = %s" % AWS_ID),
    ("aws-access-key-log", "aws-access-key", AWS_ID2,
     "botocore: using credentials %s from environment" % AWS_ID2),
    ("aws-temp-key", "aws-access-key", AWS_TEMP_ID, "AWS_ACCESS_KEY_ID=%s" % AWS_TEMP_ID),
    ("aws-secret-credentials", "aws-secret-key", AWS_SECRET,
     "[default]\naws_secret_access_key = %s\nregion = eu-west-1" % AWS_SECRET),
    ("aws-secret-env", "aws-secret-key", AWS_SECRET2, "export AWS_SECRET_ACCESS_KEY=\"%s\"" % AWS_SECRET2),
    ("azure-connection-string", "azure-key", AZURE_ACCOUNT_KEY,
     "DefaultEndpointsProtocol=https;AccountName=acmebilling;AccountKey=%s;EndpointSuffix=core.windows.net"
     % AZURE_ACCOUNT_KEY),
    ("azure-service-bus", "azure-key", AZURE_SB_KEY,
     "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=%s" % AZURE_SB_KEY),
    ("azure-sas", "azure-sas", AZURE_SIG,
     "https://acme.blob.core.windows.net/exports/report.csv?sv=2022-11-02&ss=b&srt=o&sp=r"
     "&se=2026-04-01T00:00:00Z&sig=%s" % AZURE_SIG),
    ("github-pat", "github-token", GH_PAT, "git clone https://%s@github.com/acme/billing.git" % GH_PAT),
    ("github-oauth", "github-token", GH_OAUTH, "GITHUB_TOKEN=%s" % GH_OAUTH),
    ("github-user", "github-token", GH_USER, "token %s" % GH_USER),
    ("github-server", "github-token", GH_SERVER, "Using installation token %s for the app" % GH_SERVER),
    ("github-refresh", "github-token", GH_REFRESH, '{"refresh_token":"%s"}' % GH_REFRESH),
    ("github-fine-grained", "github-token", GH_FINE, "gh auth login --with-token <<< %s" % GH_FINE),
    ("gitlab-pat", "gitlab-token", GITLAB, "PRIVATE-TOKEN: %s" % GITLAB),
    ("slack-bot", "slack-token", SLACK_BOT, "SLACK_BOT_TOKEN=%s" % SLACK_BOT),
    ("slack-user", "slack-token", SLACK_USER, "client = WebClient(token='%s')" % SLACK_USER),
    ("slack-webhook", "slack-webhook", SLACK_HOOK,
     "curl -X POST -d '{\"text\":\"deploy done\"}' %s" % SLACK_HOOK),
    ("stripe-live", "stripe-key", STRIPE_LIVE, "stripe.api_key = \"%s\"" % STRIPE_LIVE),
    ("stripe-restricted", "stripe-key", STRIPE_RESTRICTED, "STRIPE_RESTRICTED=%s" % STRIPE_RESTRICTED),
    ("stripe-test", "stripe-key", STRIPE_TEST, "curl https://api.stripe.com/v1/charges -u %s:" % STRIPE_TEST),
    ("stripe-webhook", "stripe-key", STRIPE_WEBHOOK, "endpoint_secret = '%s'" % STRIPE_WEBHOOK),
    ("twilio-api-key", "twilio-key", TWILIO_KEY, "twilio api:core:keys:fetch --sid %s" % TWILIO_KEY),
    ("twilio-sid", "twilio-sid", TWILIO_SID, "TWILIO_ACCOUNT_SID=%s" % TWILIO_SID),
    ("twilio-auth-token", "token", TWILIO_TOKEN, "TWILIO_AUTH_TOKEN=%s" % TWILIO_TOKEN),
    ("npm-token", "npm-token", NPM, "NPM_TOKEN=%s npm publish" % NPM),
    ("npm-in-text", "npm-token", NPM2, "the CI secret is %s, rotate it" % NPM2),
    ("npmrc", "npm-token", NPMRC_TOKEN, "//registry.npmjs.org/:_authToken=%s" % NPMRC_TOKEN),
    ("pypi-token", "pypi-token", PYPI, "[pypi]\n  username = __token__\n  password = %s\n" % PYPI),
    ("jwt", "jwt", JWT, "decoded the cookie session=%s and it expired" % JWT),
    ("jwt-bearer", "jwt", JWT2, "curl -H 'Authorization: Bearer %s' https://api.example.com/me" % JWT2),
    ("rsa-private-key", "private-key", RSA_KEY, "cat ~/.ssh/id_rsa\n%s\n" % RSA_KEY),
    ("openssh-private-key", "private-key", OPENSSH_KEY, OPENSSH_KEY + "\n"),
    ("ec-private-key", "private-key", EC_KEY, "key.pem:\n" + EC_KEY),
    ("pkcs8-private-key", "private-key", PKCS8_KEY, "PRIVATE_KEY=\"" + PKCS8_KEY + "\""),
    ("pgp-private-key", "private-key", PGP_KEY, PGP_KEY),
    ("gcp-service-account", "private-key", GCP_SA_KEY.split("\\n")[1],
     '{"type": "service_account", "private_key": "%s\\n", "client_email": "ci@acme.iam.gserviceaccount.com"}'
     % GCP_SA_KEY),
    ("env-password", "password", DB_PASSWORD, "DB_PASSWORD=%s" % DB_PASSWORD),
    ("yaml-password", "password", YAML_PASSWORD, "database:\n  user: app\n  password: \"%s\"\n" % YAML_PASSWORD),
    ("json-password", "password", JSON_PASSWORD, '{"username": "admin", "password": "%s"}' % JSON_PASSWORD),
    ("cli-password", "password", CLI_PASSWORD, "psql --host db --password %s --dbname app" % CLI_PASSWORD),
    ("mysql-password-flag", "password", MYSQL_PASS, "mysqldump --password=%s app > dump.sql" % MYSQL_PASS),
    ("django-secret", "secret", DJANGO_SECRET, "SECRET_KEY = '%s'" % DJANGO_SECRET),
    ("token-assignment", "token", PLAIN_TOKEN, "token=%s" % PLAIN_TOKEN),
    ("yaml-api-key", "api-key", YAML_API_KEY, "mailgun:\n  api_key: %s\n" % YAML_API_KEY),
    ("cli-token-flag", "token", CLI_TOKEN, "vault login --token %s" % CLI_TOKEN),
    ("bearer-header", "authorization", BEARER,
     "curl -H \"Authorization: Bearer %s\" https://api.acme.dev/v1/invoices" % BEARER),
    ("bearer-code", "bearer", BEARER, "headers = {'X-Trace': 'on'}; auth = 'Bearer %s'" % BEARER),
    ("basic-header", "authorization", BASIC, "Authorization: Basic %s" % BASIC),
    ("basic-code", "basic-auth", BASIC, "req.headers.set('X-Proxy', 'Basic %s')" % BASIC),
    ("url-postgres", "url-password", URL_PG, "DATABASE_URL=postgres://billing:%s@db.internal:5432/billing" % URL_PG),
    ("url-https", "url-password", URL_GH, "git remote add origin https://dana:%s@git.acme.dev/billing.git" % URL_GH),
    ("url-mongo", "url-password", URL_MONGO,
     "mongodb+srv://admin:%s@cluster0.ab1cd.mongodb.net/test?retryWrites=true" % URL_MONGO),
    ("sendgrid-env", "sendgrid-key", SENDGRID, "SENDGRID_API_KEY=%s" % SENDGRID),
    ("heroku-env", "api-key", HEROKU_KEY, "HEROKU_API_KEY=%s" % HEROKU_KEY),
    ("high-entropy-env", "high-entropy", SIGNING_SEED, "SIGNING_SEED=%s" % SIGNING_SEED),
    ("high-entropy-yaml", "high-entropy", HMAC_SEED, "webhook:\n  hmac: %s\n" % HMAC_SEED),
    ("client-secret-json", "secret", CLIENT_SECRET_JSON, '{"clientSecret": "%s"}' % CLIENT_SECRET_JSON),
    ("mysql-p-attached", "password", MYSQL_ATTACHED, "mysql -h db.internal -u root -p%s billing" % MYSQL_ATTACHED),
    ("mysqldump-p-quoted", "password", MYSQL_QUOTED, "mysqldump -uroot -p'%s' billing > dump.sql" % MYSQL_QUOTED),
    ("sshpass-p", "password", SSHPASS, "sshpass -p '%s' ssh deploy@web1 uptime" % SSHPASS),
    ("curl-u", "password", CURL_USER, "curl -u admin:%s https://ci.acme.dev/api/json" % CURL_USER),
    ("aws-configure-set", "aws-secret-key", AWS_CONFIGURE,
     "aws configure set aws_secret_access_key %s --profile prod" % AWS_CONFIGURE),
    ("redis-url-no-user", "url-password", REDIS_PASS, "REDIS_URL=redis://:%s@cache.internal:6379/0" % REDIS_PASS),
    ("docker-login-pat", "docker-token", DOCKER_PAT, "docker login -u dana -p %s registry-1.docker.io" % DOCKER_PAT),
    ("docker-login-p", "password", DOCKER_PASS, "docker login registry.acme.dev -u dana -p %s" % DOCKER_PASS),
    ("huggingface-token", "huggingface-token", HF_TOKEN, "huggingface-cli login --token %s" % HF_TOKEN),
    ("mysql-pwd-env", "password", MYSQL_PWD, "MYSQL_PWD=%s mysql -u root shop" % MYSQL_PWD),
    ("secret-as-json-key", "github-token", JSON_KEY_TOKEN, '{"%s": {"user": "dana"}}' % JSON_KEY_TOKEN),
]

_GIT_SHA = "4e1b9d2c8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d"
_UUID = "3f9c2a71-8d4e-4b6a-9c1f-2e7d5b8a4c03"
_PNG = base64.b64encode(bytes(range(256)) * 2).decode()
_SHA512 = base64.b64encode(bytes((i * 37) % 256 for i in range(64))).decode()
_SHA256_HEX = "".join("%02x" % ((i * 91) % 256) for i in range(32))

LOOKALIKES = [
    ("git-sha", _GIT_SHA),
    ("git-log", "commit %s\nAuthor: Dana <dana@acme.dev>\n\n    fix rounding" % _GIT_SHA),
    ("git-commit-output", "[fix/invoice-rounding 4e1b9d2] Round invoice totals half-even\n 2 files changed"),
    ("git-rev-parse", "$ git rev-parse HEAD\n9fceb02d0ae598e95dc970b74767f19372d61af8"),
    ("sha-assignment", "commit_sha = \"%s\"" % _GIT_SHA),
    ("uuid", _UUID),
    ("uuid-json", '{"session_id": "%s", "prompt_id": "b7d41e02-5c3a-4f8e-9a61-0e2d7c94f1a8"}' % _UUID),
    ("uuid-assign", "request_id=0a4f3c2e-7b1d-4e59-8c6a-2f9e1d3b5a70"),
    ("base64-image-uri", "<img src=\"data:image/png;base64,%s\">" % _PNG),
    ("base64-image-css", ".logo { background: url(data:image/png;base64,%s) no-repeat; }" % _PNG[:200]),
    ("base64-json-image", '{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "%s"}}'
     % _PNG[:300]),
    ("npm-integrity", '"integrity": "sha512-%s",' % _SHA512),
    ("yarn-integrity", "  integrity sha512-%s" % _SHA512),
    ("pnpm-integrity", "    resolution: {integrity: sha512-%s}" % _SHA512),
    ("sri-script", '<script src="/app.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"></script>'),
    ("docker-digest", "docker pull nginx@sha256:%s" % _SHA256_HEX),
    ("docker-digest-json", '{"digest": "sha256:%s", "size": 1570}' % _SHA256_HEX),
    ("oci-manifest", "image: ghcr.io/acme/billing@sha256:%s" % _SHA256_HEX),
    ("hex-color", "color: #ff00aa;"),
    ("css-block", ".btn-primary:hover { background-color: #1a73e8; border: 1px solid #0b57d0; }"),
    ("css-vars", ":root { --accent: #7c3aed; --radius: 0.375rem; --font: 'Inter', sans-serif; }"),
    ("long-identifier", "handleUserLogin2FAVerificationStepWithRetryBackoff"),
    ("java-identifier", "AbstractSingletonProxyFactoryBeanDefinitionRegistryPostProcessor"),
    ("python-constant", "MAX_RETRY_ATTEMPTS_BEFORE_EXPONENTIAL_BACKOFF = 5"),
    ("camel-assign", "const userAccountSettingsPanelV2 = createSettingsPanel(props)"),
    ("url-plain", "https://github.com/acme/billing/pull/123#issuecomment-1234567890"),
    ("url-port", "http://localhost:8080/api/v1/sessions?limit=50&offset=100"),
    ("url-git-ssh", "git@github.com:acme/billing.git"),
    ("url-ssh-user", "ssh://git@github.com/acme/billing.git"),
    ("url-query", "https://www.google.com/search?q=python+regex+named+groups&hl=en"),
    ("minified-js", "!function(e,t){\"object\"==typeof exports&&\"undefined\"!=typeof module?module.exports=t():"
     "\"function\"==typeof define&&define.amd?define(t):(e=e||self).Vue=t()}(this,function(){\"use strict\";"
     "var e=Object.freeze({});function t(e){return null==e}"),
    ("minified-js-2", "var a=document.querySelectorAll('.item'),b=0;for(;b<a.length;b++)a[b].classList.toggle('on');"),
    ("version-semver", "1.2.3-beta.4+build.567"),
    ("version-python", "Python 3.11.9 (main, Apr  2 2026, 10:12:33) [GCC 12.2.0] on linux"),
    ("version-pin", "requests==2.32.3\nurllib3>=2.2.1,<3\n"),
    ("path-unix", "/home/dana/src/acme-billing/billing/money.py"),
    ("path-windows", "C:\\Users\\dana\\src\\acme-billing\\billing\\money.py"),
    ("path-list", "src/components/Settings/AccountSettingsPanel.tsx:42:7"),
    ("prose-password", "The password field must be at least 12 characters and is validated on submit."),
    ("prose-token", "The token count was 1523 and the cache hit rate 87%."),
    ("prose-basic", "Basic setup instructions are in the README; bearer tokens are explained below."),
    ("json-usage", '{"input_tokens": 1234, "output_tokens": 567, "cache_read_input_tokens": 89012}'),
    ("max-tokens", "max_tokens: 4096"),
    ("fts-tokenizer", 'tokenize="porter unicode61"'),
    ("code-password-call", "password = getpass.getpass()"),
    ("code-password-arg", "def login(username: str, password: str) -> bool:"),
    ("env-reference", "DB_PASSWORD=${DB_PASSWORD}"),
    ("env-placeholder", "OPENAI_API_KEY=<your-key-here>"),
    ("k8s-secret-ref", "secretName: billing-tls"),
    ("pk-publishable", "Stripe.setPublishableKey('pk_live_" + "51HxYzAbCdEfGhIjKlMnOp');"),
    ("sk-learn", "risk-assessment-framework-module-name"),
    ("pytest-output", "tests/test_money.py::test_round_half_even_negative PASSED [ 42%]"),
    ("hash-in-lockfile", 'version = "2.32.3"\nhash = "sha256:%s"' % _SHA256_HEX),
    ("md5-sum", "d41d8cd98f00b204e9800998ecf8427e  empty.txt"),
    ("iso-time", "2026-03-02T09:00:00.412000Z"),
    ("toolu-id", "toolu_01HxYzAbCdEfGhIjKlMnOpQr"),
    ("msg-id", '{"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "requestId": "req_011CSHmJVsDBmAsBzQ3nYQPr"}'),
    ("base64-text", "echo SGVsbG8gV29ybGQK | base64 -d"),
    # Look-alikes of the command-line forms: a prompt, a port, a variable, no password.
    ("mysql-p-prompt", "mysql -h db.internal -u root -p billing"),
    ("mysql-port", "mysql -P 3306 -h 127.0.0.1 -u root -p"),
    ("ssh-port", "ssh -p 2222 deploy@web1 uptime"),
    ("sshpass-file", "sshpass -f ~/.ssh/web1.pass ssh deploy@web1"),
    ("curl-u-variables", 'curl -u "$CI_USER:$CI_TOKEN" https://ci.acme.dev/api/json'),
    ("curl-u-user-only", "curl -u admin https://ci.acme.dev/api/json"),
    ("aws-configure-region", "aws configure set region eu-west-1 --profile prod"),
    ("redis-url-plain", "REDIS_URL=redis://cache.internal:6379/0"),
    ("docker-login-stdin", "docker login -u dana --password-stdin registry.acme.dev"),
    ("hf-hub-download", "from huggingface_hub import hf_hub_download, snapshot_download"),
    ("pg-dump-port", "pg_dump -p 5432 -U billing billing > dump.sql"),
    ("tar-p", "tar -pxzf release.tar.gz -C /srv/app"),
    ("shell-pwd", "PWD=/home/dana/src/shop\nOLDPWD=/home/dana"),
    ("pwd-in-path", "cd $PWD/build && ls ../_pwd_cache"),
    ("json-plain-keys", '{"session_identifier": "abc", "hook_event_name": "Stop", "permission_mode": "default"}'),
]
