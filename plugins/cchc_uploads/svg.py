"""SVG uploads: accepted only when every element and attribute is on an allowlist.

SVG is active content: opened on its own address it is a document that can run <script>, event
attributes (onload=…), links to javascript:, HTML through <foreignObject> or the XHTML namespace,
and load other files (<use href="/images/x.svg#a">, url(…) in CSS, <?xml-stylesheet?>). Nothing is
removed or rewritten: an SVG either passes as it is, byte for byte, or the build names the file and
the first thing that is not allowed, with its line.

Parsed with the standard library's expat, which fetches nothing: a DOCTYPE (and with it every
entity declaration, the "billion laughs" and external entities) and processing instructions are
refused the moment the parser meets them.
"""

from __future__ import annotations

import re
import xml.parsers.expat as expat

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Drawing, text, paint servers, clipping, markers and simple filters. No script, style sheets other
# than <style> checked below, a, image, foreignObject, animation (animate/set can put javascript:
# into an href), feImage, iframe or anything of another namespace.
ELEMENTS = frozenset("""
    svg g defs symbol use title desc style
    path rect circle ellipse line polyline polygon
    text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker
    filter feBlend feColorMatrix feComponentTransfer feFuncR feFuncG feFuncB feFuncA feComposite
    feDropShadow feFlood feGaussianBlur feMerge feMergeNode feMorphology feOffset
""".split())

# Attributes without a namespace (SVG's are case-sensitive: "ONLOAD" is simply not on the list).
ATTRIBUTES = frozenset("""
    id class style lang tabindex role aria-label aria-labelledby aria-describedby aria-hidden focusable
    version baseProfile viewBox preserveAspectRatio width height x y x1 y1 x2 y2 cx cy r rx ry fx fy fr
    d points pathLength transform href
    fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit
    stroke-dasharray stroke-dashoffset stroke-opacity opacity color display visibility overflow
    paint-order vector-effect shape-rendering text-rendering image-rendering color-interpolation
    color-interpolation-filters mix-blend-mode isolation
    font-family font-size font-size-adjust font-stretch font-style font-variant font-weight
    text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing
    text-decoration writing-mode direction unicode-bidi dx dy rotate textLength lengthAdjust
    startOffset method spacing side
    gradientUnits gradientTransform spreadMethod offset stop-color stop-opacity
    patternUnits patternContentUnits patternTransform clip-path clip-rule clipPathUnits
    mask maskUnits maskContentUnits marker-start marker-mid marker-end markerWidth markerHeight
    markerUnits refX refY orient
    filter filterUnits primitiveUnits in in2 result stdDeviation edgeMode mode type values operator
    k1 k2 k3 k4 flood-color flood-opacity radius tableValues slope intercept amplitude exponent
    media
""".split())
NAMESPACED_ATTRIBUTES = {(XLINK_NS, "href"), (XML_NS, "space"), (XML_NS, "lang")}

FRAGMENT = re.compile(r"#[A-Za-z_][A-Za-z0-9_.:-]*")
URL = re.compile(r"url\s*\(\s*(['\"]?)([^'\")]*)\1\s*\)", re.I)
# CSS that can fetch or hide something: escapes (u\72l), at-rules (@import, @font-face), old IE/FF
# script hooks, and markup ("g > path", the child combinator, is fine).
CSS_REFUSED = re.compile(r"[\\@<]|expression|behavior|binding|javascript|image-set|src\s*\(", re.I)


class Refused(Exception):
    def __init__(self, what: str, line: int | None):
        super().__init__(what)
        self.what, self.line = what, line


def _name(expanded: str) -> tuple[str, str]:
    ns, _, local = expanded.rpartition(" ")
    return ns, local


def _shown(ns: str, local: str) -> str:
    prefix = {XLINK_NS: "xlink:", XML_NS: "xml:", SVG_NS: ""}.get(ns, f"{{{ns}}}" if ns else "")
    return prefix + local


def _check_css(text: str, where: str, line: int) -> None:
    bad = CSS_REFUSED.search(text)
    if bad:
        raise Refused(f"CSS trong {where} chứa “{bad.group(0)}”", line)
    rest = URL.sub("", text)
    if re.search(r"url\s*\(", rest, re.I):
        raise Refused(f"CSS trong {where} chứa url(…) không đọc được", line)
    for match in URL.finditer(text):
        if not FRAGMENT.fullmatch(match.group(2).strip()):
            raise Refused(f"CSS trong {where} tải tệp khác “url({match.group(2)[:60]})”", line)


def check(data: bytes) -> Refused | None:
    """None when the SVG may be published as it is; else what is refused (first offence, line)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[str] = []
    style_text: list[str] = []

    def line() -> int:
        return parser.CurrentLineNumber

    def doctype(name, *_):
        raise Refused(f"khai báo <!DOCTYPE {name}> (có thể chứa thực thể)", line())

    def entity(name, *_):
        raise Refused(f"khai báo thực thể <!ENTITY {name}>", line())

    def instruction(target, _data):
        raise Refused(f"chỉ thị xử lý <?{target} …?>", line())

    def external(*_):
        raise Refused("tham chiếu thực thể bên ngoài", line())

    def start(name, attrs):
        ns, local = _name(name)
        if not stack and (ns, local) != (SVG_NS, "svg"):
            raise Refused(f"phần tử gốc <{_shown(ns, local)}> (phải là <svg xmlns=\"{SVG_NS}\">)", line())
        if ns != SVG_NS or local not in ELEMENTS:
            raise Refused(f"phần tử <{_shown(ns, local)}>", line())
        if stack and stack[-1] == "style":
            raise Refused("phần tử lồng trong <style>", line())
        for attr, value in attrs.items():
            ans, alocal = _name(attr)
            shown = _shown(ans, alocal)
            if ans and (ans, alocal) not in NAMESPACED_ATTRIBUTES or not ans and alocal not in ATTRIBUTES:
                kind = "thuộc tính sự kiện" if alocal.lower().startswith("on") else "thuộc tính"
                raise Refused(f"{kind} “{shown}” của <{local}>", line())
            if alocal == "href" and not FRAGMENT.fullmatch(value):
                raise Refused(f"liên kết “{shown}=\"{value[:60]}\"” của <{local}> (chỉ được trỏ tới #mã trong cùng tệp)",
                              line())
            if alocal == "style" or "url" in value.lower() or "\\" in value:
                _check_css(value, f"thuộc tính “{shown}” của <{local}>", line())
        stack.append(local)
        if local == "style":
            style_text.clear()

    def end(name):
        local = stack.pop()
        if local == "style":
            _check_css("".join(style_text), "<style>", line())

    def text(data):
        if stack and stack[-1] == "style":
            style_text.append(data)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    parser.ExternalEntityRefHandler = external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except Refused as refused:
        return refused
    except expat.ExpatError as error:
        return Refused("nội dung không phải XML hợp lệ", error.lineno)
    return None  # expat itself refuses a document without a root element
