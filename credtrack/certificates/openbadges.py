"""Open Badges 3.0: a certificate as an OpenBadgeCredential (W3C VC 2.0), signed as a VC-JWT.

The credential is built only from the certificate's snapshot, so exporting it again
years later yields the same JSON, and the digest printed in the QR still matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey

from credtrack.certificates.evidence_lines import rater_shown
from credtrack.certificates.keys import SigningKey

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
DIGEST_BYTES = 16
_NAMESPACE = uuid.UUID("6f0d3c52-8a4e-4c55-9d0a-5b1f3c7e2a90")  # credtrack's own uuid5 namespace


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-._" else "-" for ch in text)


def issuer_uri(issuer_id: str, url: str = "") -> str:
    """The issuer's URI: its web address when it has one, else a credtrack URN."""
    return url if url.startswith("https://") else f"urn:credtrack:issuer:{_slug(issuer_id)}"


def credential_id(issuer: str, code: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{issuer}|{code}')}"


def _start_of(day: str) -> str:
    return f"{day}T00:00:00Z"


def _end_of(day: str) -> str:
    return f"{day}T23:59:59Z"


def _base(snapshot: dict[str, Any]) -> str:
    """The URN under which this issuer's credentials, frameworks and scales are named."""
    return f"urn:credtrack:{_slug(snapshot['issuer']['short'])}"


def _competency_ref(base: str, framework_code: str, code: str) -> str:
    return f"{base}:framework:{_slug(framework_code)}:{_slug(code)}"


def build(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for a certificate snapshot (see services.certificates)."""
    issuer = snapshot["issuer"]
    base = _base(snapshot)
    code = snapshot["code"]
    cred = snapshot["credential"]
    alignments = [
        {
            "type": ["Alignment"],
            "targetType": "ceasn:Competency",
            "targetCode": comp["code"],
            "targetName": comp["label"],
            "targetFramework": comp["framework"],
            "targetUrl": _competency_ref(base, comp["framework_code"], comp["code"]),
            **({"targetDescription": comp["description"]} if comp.get("description") else {}),
        }
        for comp in snapshot["competencies"]
    ]
    descriptions, results = _results(base, snapshot)
    achievement: dict[str, Any] = {
        "id": f"{base}:credential:{_slug(cred['code'])}",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": cred["title"],
        "description": cred.get("description") or cred["title"],
        "criteria": {"narrative": cred.get("criteria") or "Requirements defined by the issuer were met."},
        "humanCode": cred["code"],
    }
    if alignments:
        achievement["alignment"] = alignments
    if descriptions:
        achievement["resultDescription"] = descriptions
    subject: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, issuer['id'] + '|person|' + snapshot['holder']['key'])}",
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": snapshot["holder"]["name"],
                "identityType": "name",
                "hashed": False,
            }
        ],
        "achievement": achievement,
    }
    if results:
        subject["result"] = results
    credential: dict[str, Any] = {
        "@context": CONTEXT,
        "id": credential_id(issuer["id"], code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{cred['title']} — {snapshot['holder']['name']}",
        "issuer": {"id": issuer["id"], "type": ["Profile"], "name": issuer["name"] or "credtrack issuer"},
        "validFrom": _start_of(snapshot["issued_on"]),
        "awardedDate": _start_of(snapshot["issued_on"]),
        "credentialSubject": subject,
    }
    if snapshot.get("expires_on"):
        credential["validUntil"] = _end_of(snapshot["expires_on"])
    evidence = _evidence(snapshot)
    if evidence:
        credential["evidence"] = evidence
    return credential


def _results(base: str, snapshot: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One ResultDescription per competency requirement, and the Result each sign-off achieved."""
    descriptions: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for signoff in snapshot.get("signoffs", []):
        ref = _competency_ref(base, signoff["framework_code"], signoff["competency"])
        scale_ref = f"{base}:scale:{_slug(signoff['scale_code'])}"
        levels = [
            {
                "id": f"{scale_ref}:{_slug(level['code'])}",
                "type": ["RubricCriterionLevel"],
                "name": level["label"],
                "level": level["code"],
            }
            for level in snapshot.get("scales", {}).get(signoff["scale_code"], [])
        ]
        description_id = f"{ref}:result"
        description: dict[str, Any] = {
            "id": description_id,
            "type": ["ResultDescription"],
            "name": f"{signoff['competency']} sign-off ({signoff['scale_name']})",
            "resultType": "RubricCriterionLevel",
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetType": "ceasn:Competency",
                    "targetCode": signoff["competency"],
                    "targetName": signoff["competency_label"],
                    "targetUrl": ref,
                }
            ],
        }
        if levels:
            description["rubricCriterionLevel"] = levels
        if signoff.get("required_level_code"):
            description["requiredLevel"] = f"{scale_ref}:{_slug(signoff['required_level_code'])}"
        descriptions.append(description)
        results.append(
            {
                "type": ["Result"],
                "resultDescription": description_id,
                "achievedLevel": f"{scale_ref}:{_slug(signoff['level_code'])}",
                "value": signoff["level_label"],
            }
        )
    return descriptions, results


def _evidence(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for module in snapshot.get("modules", []):
        items.append(
            {
                "type": ["Evidence"],
                "name": f"Module {module['code']}: {module['title']}",
                "description": f"Completed on {module['completed_on']}.",
                "genre": "Module completion",
            }
        )
    for signoff in snapshot.get("signoffs", []):
        who = signoff.get("assessor") or "a preceptor"
        if signoff.get("assessor_profession"):
            who += f" ({signoff['assessor_profession']})"
        items.append(
            {
                "type": ["Evidence"],
                "name": f"Sign-off {signoff['competency']}: {signoff['level_label']}",
                "description": f"Signed off by {who} on {signoff['assessed_on']}, method: {signoff['method']}.",
                "genre": "Competency sign-off",
            }
        )
    for rating in snapshot.get("ratings", []):
        # A rater outside the institution (a patient advisor) is not named on a credential the learner shares.
        profession = rater_shown(rating.get("rater_profession"))
        by = f" by a {profession}" if profession else ""
        scores = ", ".join(f"{s['competency']} {s['level_label']}" for s in rating.get("scores", []))
        items.append(
            {
                "type": ["Evidence"],
                "name": f"Rating from {rating['source_name']}",
                "description": (
                    f"Rated{by} on {rating['rated_on']} ({rating['collection']}): {scores or 'no scores'}."
                ),
                "genre": "Multi-source rating",
            }
        )
    for work in snapshot.get("improvement", []):
        confirmed = f", confirmed by {work['confirmed_by']}" if work.get("confirmed_by") else ""
        role = f" as {work['role']}" if work.get("role") else ""
        items.append(
            {
                "type": ["Evidence"],
                "name": f"{work['kind_label']}: {work['title']}",
                "description": f"From {work['started_on']} to {work['ended_on']}{role}{confirmed}.",
                "narrative": f"A team of {len(work['professions'])} professions: {', '.join(work['professions'])}.",
                "genre": "Improvement work",
            }
        )
    return items


def canonical_json(credential: dict[str, Any]) -> bytes:
    return json.dumps(credential, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(credential: dict[str, Any]) -> bytes:
    """The truncated SHA-256 of the credential that the QR carries."""
    return hashlib.sha256(canonical_json(credential)).digest()[:DIGEST_BYTES]


def _epoch(stamp: str) -> int:
    return int(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def sign_jwt(credential: dict[str, Any], key: SigningKey) -> str:
    """The credential as a compact VC-JWT (ES256), with iss/jti/sub/nbf/exp as Open Badges 3.0 asks."""
    claims: dict[str, Any] = dict(credential)
    claims["iss"] = credential["issuer"]["id"]
    claims["jti"] = credential["id"]
    claims["nbf"] = _epoch(credential["validFrom"])
    if "id" in credential["credentialSubject"]:
        claims["sub"] = credential["credentialSubject"]["id"]
    if "validUntil" in credential:
        claims["exp"] = _epoch(credential["validUntil"])
    jwk = ECKey.import_key(key.private_key)
    return jwt.encode({"alg": "ES256", "typ": "JWT", "kid": key.kid}, claims, jwk, algorithms=["ES256"])
