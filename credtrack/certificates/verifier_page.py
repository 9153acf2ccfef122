"""The one-file offline verifier: an HTML page holding issuers' public keys and signed revocation lists.

The page checks a certificate's QR text in the browser as ``verify.verify_text`` does, with
nothing fetched: its scripts are inlined from ``resources/verifier`` (credtrack's own
``verifier.js`` and three npm libraries shipped with their licences, see LIBRARIES.md there),
and a Content-Security-Policy forbids every connection.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from credtrack import paths
from credtrack.certificates.keys import fingerprint

# Library files, in the order the page loads them; verifier.js comes last.
LIBRARY_FILES = ("jsQR.js", "cbor-x.min.js", "base45.js")
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


@dataclass(frozen=True)
class PageKey:
    kid: str
    jwk: dict[str, str]  # the public members kty, crv, x, y
    status: str = "active"  # active or retired; distrusted keys are left out of the page


@dataclass(frozen=True)
class PageIssuer:
    name: str
    keys: tuple[PageKey, ...]
    revocation_list: str = ""  # the issuer's latest signed list (compact JWS), or "" when none is known


def _resource(name: str) -> str:
    return paths.resource_path("verifier", name).read_text(encoding="utf-8")


def _script(source: str) -> str:
    source = _SOURCE_MAP.sub("", source)
    if re.search(r"</script|<!--", source, re.IGNORECASE):
        raise ValueError("a verifier script holds text that would end the page's script element")
    return "<script>\n" + source + "\n</script>"


def _base45_script() -> str:
    """Digital Bazaar's base45 is an ES module; the page loads it as a classic script named ``base45``."""
    source = _resource("base45.js")
    if source.count("export function ") != 2:
        raise ValueError("base45.js is not the shipped version (expected its two exported functions)")
    body = source.replace("export function ", "function ")
    return "var base45 = (function () {\n" + body + "\nreturn { encode: encode, decode: decode };\n})();"


def trust_data(issuers: list[PageIssuer], *, institution: str, generated_at: dt.datetime) -> dict:
    return {
        "format": "credtrack-verifier/1",
        "institution": institution,
        "generated_at": generated_at.replace(microsecond=0).isoformat(),
        "issuers": [
            {
                "name": issuer.name,
                "keys": [
                    {
                        "kid": k.kid,
                        "jwk": {m: k.jwk[m] for m in ("kty", "crv", "x", "y")},
                        "status": k.status,
                        "fingerprint": fingerprint(k.kid),
                    }
                    for k in issuer.keys
                ],
                "revocation_list": issuer.revocation_list or None,
            }
            for issuer in issuers
        ],
    }


def _json_for_script(document: dict) -> str:
    # Inside <script type="application/json"> only "</" and "<!--" could end or confuse the element.
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def build(issuers: list[PageIssuer], *, institution: str, generated_at: dt.datetime) -> str:
    """The verifier page as one HTML document."""
    return render(trust_data(issuers, institution=institution, generated_at=generated_at))


def render(document: dict) -> str:
    """The page for a ``trust_data`` document (as built, or as read back from a conformance vectors file)."""
    scripts = [_script(_base45_script() if name == "base45.js" else _resource(name)) for name in LIBRARY_FILES]
    scripts.append(_script(_resource("verifier.js")))
    generated_at = dt.datetime.fromisoformat(document["generated_at"])
    replacements = {
        "@@STYLE@@": _resource("verifier.css"),
        "@@INSTITUTION@@": _html_text(document["institution"] or "this institution"),
        "@@GENERATED@@": generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        "@@TRUST@@": _json_for_script(document),
        "@@SCRIPTS@@": "\n".join(scripts),
    }
    # One pass over the template, so nothing inserted is read again for markers.
    return re.sub(r"@@[A-Z]+@@", lambda m: replacements[m.group(0)], _resource("verifier.html"))
