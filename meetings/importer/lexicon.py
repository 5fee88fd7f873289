"""The words of RCM reports, in English and Spanish, matched on accent-folded lower-case text.

Operative verbs decide an agreement's kind (that of its first operative verb). They are the
forms the RCM writes: infinitives in a network's report ("To thank", "Agradecer"), present
tense in conclusions ("Takes note", "Toma nota"), and impersonal ones ("It was agreed",
"Se acordó").
"""

import re

# Leading connectors that come before an agreement's operative verb.
CONNECTORS = re.compile(
    r"^(?:(?:additionally|also|furthermore|moreover|finally|likewise|in addition|lastly|"
    r"asimismo|ademas|adicionalmente|finalmente|por ultimo|igualmente|de igual (?:forma|manera)|"
    r"del mismo modo|por otra parte)\s*,?\s+)+"
)
# A subject before a present-tense verb in conclusions: "The RCGM takes note", "La Red acuerda".
SUBJECT = re.compile(
    r"^(?:the|el|la|los|las)\s+(?:rcgm|grcm|network|red|group|grupo|meeting|reunion|members?|miembros|"
    r"countries|paises|delegations|delegaciones)\s+(?:(?:agreed|decided|acordo|decidio|resolvio)\s+(?:to\s+)?)?"
)

TO = r"(?:to\s+)?"
RCGM = r"(?:the\s+)?(?:rcgm|regional consultation group(?: on migration)?)"
GRCM = r"(?:(?:al|a el|ante el|el)\s+)?(?:grcm|grupo regional de consulta(?: sobre migracion)?)"

# (kind, pattern anchored at the start of the agreement's text), in order of precedence.
OPERATIVE = [
    (
        "recommends_to_rcgm",
        rf"{TO}recommends?\s+(?:to\s+{RCGM}|that\s+{RCGM}|{RCGM})"
        rf"|{TO}(?:submit|submits|refer|refers|elevate|elevates)\s+to\s+{RCGM}"
        rf"|recomendar\s+{GRCM}|recomienda\s+{GRCM}|recomendar\s+(?:a|que)\s+{GRCM}"
        rf"|(?:elevar|eleva|someter|somete)\s+(?:a\s+la\s+consideracion\s+del\s+|al\s+){GRCM}",
    ),
    (
        "thanks",
        rf"{TO}(?:thank|thanks|express(?:es)?\s+(?:its\s+|their\s+)?(?:gratitude|appreciation|thanks))\b"
        r"|(?:agradecer|agradece|agradecio)\b|(?:expresar|expresa)\s+(?:su\s+|sus\s+)?(?:agradecimiento|gratitud)\b",
    ),
    (
        "takes_note",
        rf"{TO}(?:take|takes|took)\s+(?:due\s+)?note\b|{TO}notes?\s+(?:with|that)\b|(?:tomar|toma|tomo)\s+(?:debida\s+)?nota\b",
    ),
    ("receives", rf"{TO}(?:receive|receives|received)\b|(?:recibir|recibe|recibio)\b"),
    (
        "approves",
        rf"{TO}(?:approve|approves|approved|adopt|adopts|endorse|endorses|validate|validates|accept|accepts|accepted)\b"
        r"|(?:aprobar|aprueba|aprobo|adoptar|adopta|validar|valida|avalar|avala|aceptar|acepta|acepto)\b",
    ),
    (
        "reaffirms",
        rf"{TO}(?:reaffirm|reaffirms|reiterate|reiterates|ratify|ratifies)\b"
        r"|(?:reafirmar|reafirma|reiterar|reitera|ratificar|ratifica)\b",
    ),
    (
        "welcomes",
        rf"{TO}(?:welcome|welcomes|welcomed)\b"
        r"|(?:acoger|acoge|acogio)(?:\s+con\s+beneplacito)?\b|(?:dar|da)\s+la\s+bienvenida\b"
        r"|(?:saludar|saluda)\b",
    ),
    (
        "agrees",
        rf"{TO}(?:agree|agrees|agreed|decide|decides|decided)\b|it\s+(?:was|is)\s+(?:agreed|decided)\b"
        r"|(?:acordar|acuerda|acordo|decidir|decide|decidio|resolver|resuelve|resolvio)\b"
        r"|se\s+(?:acordo|acuerda|decidio|decide|resolvio)\b"
        # Decisions that ask someone to act, or commit those present: "Requests the TS to…", "Encargar a la ST…".
        rf"|{TO}(?:request|requests|instruct|instructs|entrust|entrusts|commission|commissions|invite|invites|urge|urges"
        r"|encourage|encourages|call\s+(?:on|upon)|calls\s+(?:on|upon)|commit|commits|undertake|undertakes)\b"
        r"|(?:solicitar|solicita|instruir|instruye|encargar|encarga|encomendar|encomienda|comisionar|comisiona"
        r"|invitar|invita|exhortar|exhorta|alentar|alienta|pedir|pide|comprometerse|asumir\s+el\s+compromiso)\b",
    ),
]
OPERATIVE_RES = [(kind, re.compile(rf"^(?:{pattern})")) for kind, pattern in OPERATIVE]
# Searched anywhere in the last clause of an agreement that introduces sub-items ("…it was agreed:").
LEAD_IN_RES = [(kind, re.compile(rf"\b(?:{pattern})")) for kind, pattern in OPERATIVE]

ORDINAL_WORDS = {
    # English
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    # Spanish (folded), masculine and feminine
    "primer": 1,
    "primero": 1,
    "primera": 1,
    "segundo": 2,
    "segunda": 2,
    "tercer": 3,
    "tercero": 3,
    "tercera": 3,
    "cuarto": 4,
    "cuarta": 4,
    "quinto": 5,
    "quinta": 5,
    "sexto": 6,
    "sexta": 6,
    "septimo": 7,
    "septima": 7,
    "octavo": 8,
    "octava": 8,
    "noveno": 9,
    "novena": 9,
    "decimo": 10,
    "decima": 10,
    "undecimo": 11,
    "undecima": 11,
    "duodecimo": 12,
    "duodecima": 12,
}
# Compound ordinals: "décima octava" / "decimoctava" (18), "vigésimo primera" (21), "twenty-first" (21).
_UNITS_ES = {
    "primer": 1, "primero": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercer": 3, "tercero": 3, "tercera": 3,
    "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5, "sexto": 6, "sexta": 6, "septimo": 7, "septima": 7,
    "octavo": 8, "octava": 8, "noveno": 9, "novena": 9,
}  # fmt: skip
_TENS_ES = {"decimo": 10, "decima": 10, "vigesimo": 20, "vigesima": 20, "trigesimo": 30, "trigesima": 30}
_UNITS_EN = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9}  # fmt: skip
_TENS_EN = {"twenty": 20, "thirty": 30, "forty": 40}
for _ten, _ten_value in _TENS_ES.items():
    ORDINAL_WORDS[_ten] = ORDINAL_WORDS.get(_ten, _ten_value)
    for _unit, _unit_value in _UNITS_ES.items():
        ORDINAL_WORDS[f"{_ten} {_unit}"] = _ten_value + _unit_value
        ORDINAL_WORDS[f"{_ten[:-1]}{_unit}"] = _ten_value + _unit_value  # decimoctavo, vigesimoprimera
for _ten, _ten_value in _TENS_EN.items():
    ORDINAL_WORDS[_ten.replace("y", "ieth")] = _ten_value  # twentieth
    for _unit, _unit_value in _UNITS_EN.items():
        ORDINAL_WORDS[f"{_ten}-{_unit}"] = _ten_value + _unit_value
        ORDINAL_WORDS[f"{_ten} {_unit}"] = _ten_value + _unit_value

MEETING_WORDS = r"(?:meeting|session|encounter|gathering|reunion|sesion|encuentro|videoconference|videoconferencia)"

VIRTUAL_RE = re.compile(
    r"\b(?:virtual(?:ly)?|online|by videoconference|via videoconference|videoconferencia|en linea|"
    r"de manera virtual|en forma virtual|de forma virtual|virtualmente)\b"
)
HYBRID_RE = re.compile(r"\b(?:hybrid|hibrida|hibrido|semipresencial)\b")
IN_PERSON_RE = re.compile(r"\b(?:in person|in-person|face-to-face|presencial|presencialmente)\b")
EXTRAORDINARY_RE = re.compile(r"\b(?:extraordinary|extraordinaria|extraordinario)\b")

MANDATE_RE = re.compile(
    r"\b(?:in accordance with|pursuant to|in compliance with|in fulfil?ment of|as mandated (?:by|in)|"
    r"as provided (?:for )?in|de conformidad con|en cumplimiento (?:de|del|a)|conforme a|"
    r"segun lo (?:dispuesto|establecido) en|de acuerdo con|en atencion a)\s+"
    r"(?:the provisions of\s+|the mandate of\s+|lo dispuesto en\s+|lo establecido en\s+|el mandato de\s+)?"
)
PARTICIPATION_RE = re.compile(
    r"\b(?:participat\w*|represent\w*|delegations?|attend\w*|present were|participa\w*|asist\w*|"
    r"delegacion\w*|contó con|conto con)\b"
)
HELD_RE = re.compile(
    r"\b(?:held|met|meeting|took place|gathered|convened|se reunio|se celebro|se llevo a cabo|celebro|sesiono|"
    r"tuvo lugar|se realizo|realizo)\b"
)
SUBMISSION_RE = re.compile(r"\b(?:submits?|presents?|presenta|somete|eleva|following|siguientes)\b")

# Words after which an agreement's lead-in object ends: "Take note of |the course …".
PREPOSITIONS = {"of", "on", "about", "for", "regarding", "de", "del", "sobre", "acerca", "para", "respecto"}
RELATIVES = {"that", "which", "que", "cual"}
ARTICLES = r"(?:the|el|la|los|las)"
