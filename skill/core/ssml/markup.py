"""Reading SSML as XML: the one parser the validator and the reader share.

Alexa accepts the `amazon:` prefix undeclared, XML does not; `parse()` hides that and hands
back the <speak> element with names spelled as Alexa spells them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# Namespace we bind the `amazon:` prefix to so ElementTree can parse Alexa's undeclared
# prefix; any URI works, Alexa never sees it.
_AMAZON_NS = "urn:alexa:ssml"
_SSML_NS = "http://www.w3.org/2001/10/synthesis"  # harmless if someone declares it
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_AMAZON_DECLARATION = re.compile(r"""\sxmlns:amazon\s*=\s*("[^"]*"|'[^']*')""")
_TIME = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")


class SSMLError(ValueError):
    """The SSML would make Alexa answer "There was a problem with the requested skill's
    response"; the message says why."""


def speak(inner: str) -> str:
    """Inner SSML -> the full string Alexa receives (what ask-sdk's speak() produces)."""
    return f"<speak>{inner}</speak>"


def full(ssml: str) -> str:
    """Full or inner SSML -> full SSML."""
    return ssml if ssml.lstrip().startswith("<speak") else speak(ssml)


def parse_time(value: str) -> float | None:
    """'4s' / '2500ms' -> seconds; None if it is not an SSML time."""
    m = _TIME.match(value.strip())
    if not m:
        return None
    number = float(m.group(1))
    return number / 1000 if m.group(2) == "ms" else number


def _name(qualified: str) -> str:
    """ElementTree's '{uri}local' -> the name as Alexa spells it ('amazon:emotion')."""
    if not qualified.startswith("{"):
        return qualified
    uri, local = qualified[1:].split("}", 1)
    if uri == _AMAZON_NS:
        return f"amazon:{local}"
    if uri == _XML_NS:
        return f"xml:{local}"
    if uri == _SSML_NS:
        return local
    return qualified


def parse(ssml: str) -> ET.Element:
    """Full or inner SSML -> the <speak> element, names normalised (see _name).

    Alexa accepts the `amazon:` prefix undeclared; XML does not, so the document is parsed
    inside an envelope that declares it.
    """
    text = full(ssml)
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise SSMLError("DOCTYPE and entity declarations are not SSML")
    # a document that declares the prefix itself gets ours instead, so names come out alike
    text = _AMAZON_DECLARATION.sub("", text)
    envelope = f'<envelope xmlns:amazon="{_AMAZON_NS}">{text}</envelope>'
    try:
        root = ET.fromstring(envelope)
    except ET.ParseError as exc:
        raise SSMLError(f"not well-formed XML: {exc}") from None
    children = list(root)
    if len(children) != 1 or (root.text or "").strip() or (children[0].tail or "").strip():
        raise SSMLError("there must be exactly one <speak> element and nothing outside it")
    for element in children[0].iter():
        element.tag = _name(element.tag)
        for key in list(element.attrib):
            element.attrib[_name(key)] = element.attrib.pop(key)
    if children[0].tag != "speak":
        raise SSMLError(f"the root element must be <speak>, not <{children[0].tag}>")
    return children[0]
