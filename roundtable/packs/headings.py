"""Where sections start: marked (Markdown, HTML, EPUB) headings, numbered and named headings,
and unmarked ones (a short line standing alone between paragraphs)."""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
import string
from dataclasses import dataclass, field

from roundtable.packs.blocks import Paragraph

_TERMINAL = ".,;:!?…"
_CLOSERS = "\"'”’»)]_*"  # after a sentence's end: quotes, brackets, emphasis marks

_WORD_NUMBER = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
)
_NAMED = re.compile(
    rf"^(volume|book|part|epoch|chapter|chap\.|section|article|act|scene|lesson|unit|canto|letter"
    rf"|lecture|essay|episode|sermon|discourse)\s+"
    rf"(the\s+)?(\d+|[ivxlcdm]+|{_WORD_NUMBER})\b\.?\s*(?:--|[:.\-–—])?\s*(.*)$",
    re.IGNORECASE,
)
# A series' name and number: "FEDERALIST No. 10", "Paper Number 3".
_SERIES = re.compile(
    r"^([A-Za-z]{3,20})\s+(?:No\.|Number|Nr\.)\s*(\d{1,4})\b\.?\s*[:.\-–—]?\s*(.*)$"
)
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)[.)]?\s+(\S.*)$")
_ROMAN = re.compile(r"^([IVXLC]{1,7})[.)]\s+(\S.*)$")
_PARAGRAPH_SIGN = re.compile(r"^(§{1,2})\s*(\d{1,3}[a-z]?)\.?\s*[:.\-–—]?\s*(.*)$")
# Front and back matter: sections of their own beside the numbered ones.
_MATTER = re.compile(
    r"^(preamble|introduction|foreword|preface|prologue|prelude|epilogue|afterword|conclusion"
    r"|postscript|author'?s note|a note on the text)\s*[.:]?$"
    r"|^appendix(\s+[a-z0-9]{1,4})?([.:]?\s+[A-Z][\w ,'-]{0,60}|[.:])?$",
    re.IGNORECASE,
)
# A footnote's mark on a heading or a title ("272.[1]", "Ertmann.[1]").
NOTE_MARK = re.compile(r"\s*\[(\d{1,3}|[A-Z*†‡])\]|\(\*{1,3}\)")
_BARE_NUMBER = re.compile(r"^(\d{1,3}|[IVXLC]{1,7})\.?$")
# "by Ada Example", "BY A. EXAMPLE", "Edited by ...": who wrote it, never a heading.
BYLINE = re.compile(
    r"^((?i:edited|translated|written|compiled|selected|introduced)\s+)?(?i:by)\s+"
    r"([A-Z][\w.'’-]+(\s+(?:[A-Z][\w.'’-]+|de|van|von|of|and|&))*\s+[A-Z][\w.'’-]+)$"
)
_DATE = re.compile(r"\b(19|20)\d{2}\b.*\d|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
_MONTHS = (
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?"
)
# A figure or a date alone on a line ("$4.2 million", "March 3, 2026", "12 %"): never a heading.
FIGURE_OR_DATE = re.compile(
    rf"^[\$€£¥]?\s*\d[\d,.\s]*\s*(%|per ?cent|million|billion|thousand|bn|m|k)?$"
    rf"|^({_MONTHS})\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}$"
    rf"|^\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\.?,?\s+\d{{4}}$"
    rf"|^\d{{4}}-\d{{2}}-\d{{2}}$",
    re.IGNORECASE,
)


# A line standing alone is a heading up to this long; one wrapped onto a second line, or a
# chapter's title on the line below its number when that wrapped, up to the longer limits.
HEADING_CHARS, HEADING_WORDS = 70, 10
WRAPPED_CHARS, WRAPPED_WORDS = 150, 24
# A heading's first line wrapped because it was long: at least this long, at most a line's width.
WRAPPED_FIRST_LINE = (30, 75)
SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of on or the to upon with".split()
)
_DAY = (
    rf"(({_MONTHS})\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\.?,?\s+\d{{4}})"
)
# "Boston, March 3, 1850", "Geneva, 14 May 2026": where and when a letter or a release was written.
DATELINE = re.compile(
    rf"^[A-Z][\w.'’ -]{{0,40}}(,\s*[A-Z][\w.'’ -]{{0,40}})?,\s+{_DAY}\.?$", re.IGNORECASE
)
# An e-text's margin note or picture standing alone: "[Sidenote: The book's appeal.]".
_ANNOTATION = re.compile(
    r"^\[(sidenote|illustration|picture|figure|plate)\b[^\]]*\]$", re.IGNORECASE
)
# A letter's salutation and closing: never a heading, nor the start of one.
SALUTATION = re.compile(
    r"^(my(\s+[\w.'’]+){1,3}|(dear|dearest)\b.{0,40}|sir|madam|gentlemen|to whom it may concern)"
    r"\s*[,:!](\s*(--|—|–))?$"
    r"|^to (the|my|our|all)\b.{0,60}:$",  # "To the People of the State of New York:"
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(yours|your\s+\w+|sincerely|faithfully|respectfully|cordially|affectionately"
    r"|(with\s+)?(love|thanks|regards)|(best|kind|warm)\s+(regards|wishes))\b.*,$",
    re.IGNORECASE,
)


def _ends_open(line: str) -> bool:
    """No closing punctuation (a sentence ends with . ! ? or a quote after one)."""
    stripped = line.rstrip(_CLOSERS)
    return not stripped or stripped[-1] not in _TERMINAL


SHORT_TITLE_WORDS = 6


def _title_after_number(rest: str) -> bool:
    """A numbered heading's title: open-ended, or short and closed by one full stop as papers
    set them ("2 Methods.", "III. The Origin."), not a numbered sentence."""
    if len(rest.split()) > 12:
        return False
    if _ends_open(rest):
        return True
    body = rest[:-1]
    return (
        rest.endswith(".")
        and len(rest.split()) <= SHORT_TITLE_WORDS
        and _ends_open(body)
        and not any(c in body for c in ".!?;:")
    )


def _without_full_stop(line: str) -> str:
    return line[:-1] if line.endswith(".") and not line.endswith("..") else line


def heading_like(line: str, *, chars: int = HEADING_CHARS, words: int = HEADING_WORDS) -> bool:
    return (
        2 <= len(line) <= chars
        and len(line.split()) <= words
        and _ends_open(line)
        and (line[0].isupper() or line[0].isdigit())
        and not BYLINE.match(line)
        and not _DATE.search(line)
        and not FIGURE_OR_DATE.match(line)
        and not DATELINE.match(line)
    )


def _para_heading_like(para: Paragraph) -> bool:
    text = _caps_without_close(para.text)
    if para.wrapped:
        return heading_like(text, chars=WRAPPED_CHARS, words=WRAPPED_WORDS)
    return heading_like(text)


def _caps_without_full_stop(line: str) -> str:
    """A heading in capitals as old books set them, closed by a full stop ("OF MONARCHY AND
    HEREDITARY SUCCESSION.", "APPENDIX."), without it: a sentence is not set in capitals."""
    if _case(line) != "caps" or not line.endswith("."):
        return line
    words = _without_full_stop(line).split()
    named = len(words) <= 3 and not any(w.lower() in SMALL_WORDS for w in words)
    # Not a name signing a preface or an epigraph ("THOMAS CARLYLE.", "PUBLIUS.").
    return line if named and not _MATTER.match(line) else _without_full_stop(line)


def _caps_without_close(line: str) -> str:
    """A heading in capitals as read for its shape: without the full stop or question mark
    that closes it ("ARE FORTRESSES … ADVANTAGEOUS OR HURTFUL?")."""
    if _case(line) == "caps" and line.endswith("?") and not line.endswith("??"):
        return line[:-1]
    return _caps_without_full_stop(line)


def _case(line: str) -> str:
    """caps | title | sentence: how a line's words are capitalised (small words aside)."""
    words = re.findall(r"[^\W\d_][\w'’]*", line)
    if not words:
        return "none"
    if not any(c.islower() for c in line):
        return "caps"
    if all(w[0].isupper() or w.lower() in SMALL_WORDS for w in words):
        return "title"
    return "sentence"


def wrapped_heading(first: str, second: str) -> bool:
    """Two lines standing alone that are one heading wrapped: the first long enough to have
    wrapped, both capitalised alike (capitals, or title case), and the two together a heading
    but for their length; never a letter's closing and signature ("Yours Truly," / a name)."""
    shortest, longest = WRAPPED_FIRST_LINE
    case = _case(first)
    return (
        shortest <= len(first) <= longest
        and len(second) <= longest
        and case in ("caps", "title")
        and _case(second) == case
        and not _CLOSING.match(first)
        and first.rstrip(_CLOSERS)[-1:] not in ".!?"
        and heading_like(
            _caps_without_close(f"{first} {second}"), chars=WRAPPED_CHARS, words=WRAPPED_WORDS
        )
    )


def epigraph_line(text: str) -> bool:
    """A quotation standing alone, or its attribution ("— An Old Saying")."""
    return text[:1] in "\"“‘'" or text[:1] in "—–―" or text.startswith("--")


def between_heading_and_body(para: Paragraph) -> bool:
    """A line that may stand between a heading and its text: a figure or a date, a dateline,
    a salutation ("CHAPTER IV" / "Boston, March 3, 1850" / "My dear friend," / the letter),
    an e-text's margin note or illustration ("[Sidenote: The book's appeal.]")."""
    text = para.text.strip()
    return para.single_line and bool(
        FIGURE_OR_DATE.match(text)
        or DATELINE.match(text)
        or SALUTATION.match(text)
        or _ANNOTATION.match(text)
        or _PUBLISHED.match(text)
    )


# Where and when a paper or letter first appeared: "For the Independent Journal. Saturday,
# October 27, 1787".
_PUBLISHED = re.compile(
    rf"^(for|from|in) the [^.]{{3,60}}\.?\s+(\w+day,?\s+)?{_DAY}\.?$", re.IGNORECASE
)
# Its author's name in capitals below that line: "HAMILTON", "JAY", "MADISON, WITH HAMILTON".
_SIGNED = re.compile(r"^[A-Z][A-Z.'’ -]{1,30}(,? (WITH|AND) [A-Z][A-Z.'’ -]{1,30})?\.?$")


# Words before "No." that make a sentence, not a series: "There is No. 5 here".
_NOT_SERIES = frozenset("the and was were see for with from that this there".split())


def _numbered(line: str, limit: int = 80) -> tuple[str, str] | None:
    """(title, style) for a numbered or named heading line, or None. Headings of one style are
    one level of the text ("chapter", "roman", "arabic 2" for "1.2 ...")."""
    line = NOTE_MARK.sub("", line)
    if len(line) > limit:
        return None
    named = _NAMED.match(line)
    if named:
        word, the, number, rest = named.groups()
        word = "chapter" if word.lower() == "chap." else word  # "CHAP. II."
        if _is_roman(number):
            number = number.upper()
        elif not number.isdigit():
            number = ("the " if the else "") + number.capitalize()
        label = f"{word.capitalize()} {number}"
        title = f"{label}: {rest.strip()}" if rest.strip() else label
        if len(rest.split()) > WRAPPED_WORDS:
            return None
        # A title may ask its question: "ARE FORTRESSES … ADVANTAGEOUS OR HURTFUL?".
        closed = not _ends_open(rest) and not rest.rstrip().endswith("?")
        return (title, word.lower()) if not closed or not rest.strip() else None
    series = _SERIES.match(line)
    if series and series.group(1).lower() not in _NOT_SERIES:
        word, number, rest = series.groups()
        label = f"{word.capitalize()} No. {number}"
        if _ends_open(rest) and len(rest.split()) <= WRAPPED_WORDS:
            return (f"{label}: {rest.strip()}" if rest.strip() else label), f"{word.lower()} no"
        return None
    sign = _PARAGRAPH_SIGN.match(line)
    if sign:
        return line, "§"
    roman = _ROMAN.match(line)
    if roman and _title_after_number(roman.group(2)):
        return _without_full_stop(line), "roman"
    arabic = _NUMBERED.match(line)
    if arabic and _title_after_number(arabic.group(2)):
        return _without_full_stop(line), f"arabic {arabic.group(1).count('.') + 1}"
    bare = _BARE_NUMBER.match(line)
    if bare:
        return line.rstrip("."), "roman" if _is_roman(bare.group(1)) else "arabic 1"
    return None


def _numbered_para(para: Paragraph) -> tuple[str, str] | None:
    return _numbered(para.text, WRAPPED_CHARS if para.wrapped else 80)


def numbered_or_named(line: str) -> bool:
    """A chapter, article or numbered heading, or front or back matter ("Preface")."""
    return _numbered(line) is not None or bool(_MATTER.match(line))


def _is_roman(token: str) -> bool:
    return bool(re.fullmatch(r"[ivxlcdm]+", token, re.IGNORECASE))


def body_like(para: Paragraph) -> bool:
    return len(para.text) >= 80 or not _ends_open(para.text)


@dataclass(frozen=True, slots=True)
class Heading:
    index: int  # of its paragraph
    title: str
    style: str | None  # None: front or back matter, a section at whatever level is chosen
    absorbs_next: bool = False  # "CHAPTER IV" above a title line


@dataclass(frozen=True, slots=True)
class Headings:
    """How a text divides: `starts` maps the paragraph index of each section's heading to its
    title; `hidden` are heading paragraphs that are not text (a chapter's title line, a book
    heading above its first chapter); `sub` are deeper headings kept in the text."""

    kind: str  # markdown | numbered | unmarked | none
    starts: dict[int, str] = field(default_factory=dict)
    hidden: frozenset[int] = frozenset()
    sub: frozenset[int] = frozenset()
    outer: tuple[Heading, ...] = ()  # shallower headings (a book above its chapters)


_NAME_AND_PART = re.compile(r"^([A-Za-z][A-Za-z ]{2,40}?)\.\s+([IVXLC]+)$")
_BARE_PART = re.compile(r"^([IVXLC]+|\d+)$")
_NOTE_OF_YEAR = re.compile(r"^(1[5-9]|20)\d\d\b\s*[,.;:]")


def _marked(paras: list[Paragraph]) -> list[Heading]:
    # Without the full stop an e-book closes its headings with ("Chapter I. Introductory."); a
    # byline set as a heading ("by Nicolo Machiavelli") is none.
    found = []
    series: tuple[int, str] | None = None  # "INTRODUCTION. I.": the level and name of "II."…
    for i, para in enumerate(paras):
        if para.heading_level is None or BYLINE.match(para.text.strip()):
            continue
        if _NOTE_OF_YEAR.match(para.text.strip()):
            continue  # "1849, original title: Resistance to Civil Government": a note, no part
        title = _without_full_stop(para.text)
        # "<h2>INTRODUCTION. I.</h2>" … "<h2>II.</h2>": "Introduction: I", "Introduction: II".
        named_part = _NAME_AND_PART.match(title)
        if named_part:
            series = (para.heading_level, named_part[1])
            title = f"{named_part[1]}: {named_part[2]}"
        elif series and para.heading_level == series[0] and _BARE_PART.match(title):
            title = f"{series[1]}: {title}"
        elif series and para.heading_level <= series[0]:
            series = None
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        numbered = _numbered(title, WRAPPED_CHARS)
        # "<h2>CHAPTER I.</h2>" over "<center>GENERAL REMARKS.</center>": one heading.
        if numbered and ":" not in numbered[0] and nxt and nxt.heading_level is None:
            if _title_line(nxt) and _case(nxt.text) in ("caps", "title"):
                label = f"{title}: {unemphasised(nxt.text).rstrip('.').strip()}"
                found.append(Heading(i, label, f"h{para.heading_level}", absorbs_next=True))
                continue
        if numbered and _NAMED.match(NOTE_MARK.sub("", title)):
            title = numbered[0]  # "Chapter I. Introductory", "Chapter I — Of…": "Chapter I: …"
        found.append(Heading(i, title, f"h{para.heading_level}"))
    return found


def _numbered_candidates(paras: list[Paragraph]) -> list[Heading]:
    found: dict[int, Heading] = {}
    # From the end, so that a heading may stand directly above a deeper one ("BOOK I" above
    # "CHAPTER I"), but a run of headings with nothing between (a table of contents) is no
    # heading at all.
    for i in range(len(paras) - 1, -1, -1):
        para = paras[i]
        if not para.single_line:
            continue
        if _MATTER.match(para.text):
            nxt = paras[i + 1] if i + 1 < len(paras) else None
            after = paras[i + 2] if i + 2 < len(paras) else None
            title = para.text.rstrip(".:").strip()
            if not any(c.islower() for c in title):
                title = string.capwords(title)
            if nxt is not None and body_like(nxt) and not _heading_at(paras, i + 1):
                found[i] = Heading(i, title, None)
            elif nxt is not None and nxt.single_line and after is not None and body_like(after):
                found[i] = Heading(i, title, None)  # "Appendix A" above "A.1 Licence"
            continue
        numbered = _numbered_para(para)
        if numbered is None:
            continue
        title, style = numbered
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        if nxt is None:
            continue
        # A letter's dateline and salutation may stand between its heading and its text.
        body = _body_from(paras, i + 1)
        # "CHAPTER IV" then a short title line: one heading "Chapter IV: Title".
        if (
            (_title_line(nxt) or (not _titled(title) and _question_title(nxt)))
            and ":" not in title
            and not _heading_at(paras, i + 1)
            and not (_titled(title) and _sentence(nxt.text))
        ):
            after = paras[_body_from(paras, i + 2)] if i + 2 < len(paras) else None
            deeper = found.get(i + 2)
            # Not when the next chapter's number follows, or the last one's came just before
            # with its title: a table of contents' entry.
            listed = (i >= 2 and _next_number(paras[i - 2], para, style)) or (
                after is not None and _next_number(para, after, style)
            )
            if (
                after is not None
                and not listed
                and (
                    (body_like(after) and deeper is None)
                    or (deeper is not None and deeper.style not in (None, style))
                )
            ):
                label = f"{title}: {unemphasised(nxt.text).rstrip('.').strip()}"
                found[i] = Heading(i, label, style, absorbs_next=True)
                continue
        below = found.get(i + 1)
        if below is not None and below.style is not None and below.style != style:
            found[i] = Heading(i, title, style)  # a book heading directly above its chapter
        elif body_like(paras[body]) and _numbered_para(paras[body]) is None:
            found[i] = Heading(i, title, style)
        elif _first_subsection(para.text, nxt):
            found[i] = Heading(i, title, style)  # "4 Function reference" above "4.1 Parsing"
    kept = _in_sequence([found[i] for i in sorted(found)], paras)
    return kept + _appended_works(paras, kept[-1].index) if kept else kept


def _appended_works(paras: list[Paragraph], last: int) -> list[Heading]:
    """Other works printed after a book's last chapter, each under its title in capitals and
    a byline ("THE LIFE OF CASTRUCCIO CASTRACANI OF LUCCA" / "WRITTEN BY NICOLO
    MACHIAVELLI"; a title over three lines / "BY" / "NICOLO MACHIAVELLI"): sections of their
    own, not the last chapter's text."""
    found = []
    for i in range(last + 2, len(paras) - 2):
        text = " ".join(paras[i].text.split())
        if _case(text) != "caps" or not heading_like(
            _caps_without_close(text), chars=2 * WRAPPED_CHARS, words=2 * WRAPPED_WORDS
        ):
            continue
        below, then = paras[i + 1].text.strip(), paras[i + 2].text.strip()
        if BYLINE.match(below) or (below.casefold() == "by" and _case(then) == "caps"):
            found.append(Heading(i, text, None))
    return found


def _next_number(para: Paragraph, nxt: Paragraph, style: str) -> bool:
    """`nxt` is the heading numbered next after `para`, in the same style ("CHAPTER III." then
    "CHAPTER IV.")."""
    first, numbered, number = _numbered_para(para), _numbered_para(nxt), _ordinal(para.text)
    return (
        first is not None
        and numbered is not None
        and first[1] == numbered[1] == style
        and number is not None
        and _ordinal(nxt.text) == number + 1
    )


def _body_from(paras: list[Paragraph], index: int) -> int:
    """The first paragraph from `index` on that is not a dateline, a salutation, a margin
    note or an epigraph (the last paragraph at the latest)."""
    first = index
    while index + 1 < len(paras):
        if between_heading_and_body(paras[index]):
            index += 1
        elif (
            index > first
            and _PUBLISHED.match(paras[index - 1].text)
            and paras[index].single_line
            and _SIGNED.match(paras[index].text)
        ):
            index += 1  # the author's name below where the paper was published
        elif index + 2 < len(paras) and _epigraph_at(paras, index):
            index += 2
        else:
            break
    return index


def _epigraph_at(paras: list[Paragraph], index: int) -> bool:
    """A short quotation and, on its own, its attribution ("--SIDNEY LANIER."): a chapter's
    epigraph, between its title and its text."""
    quote, source = paras[index], paras[index + 1].text.strip()
    return (
        len(quote.text) <= EPIGRAPH_CHARS
        and paras[index + 1].single_line
        and len(source) <= 60
        and (source[:1] in "—–―" or source.startswith("--"))
    )


EPIGRAPH_CHARS = 400


_WORD_VALUES = {
    w: n
    for n, words in enumerate(
        zip(_WORD_NUMBER.split("|")[:12], [*_WORD_NUMBER.split("|")[12:], "", ""], strict=True),
        start=1,
    )
    for w in words
    if w
}


def _ordinal(line: str) -> int | None:
    """The number a numbered heading line carries (the last part of "1.2"), if it has one."""
    line = NOTE_MARK.sub("", line)
    named, series = _NAMED.match(line), _SERIES.match(line)
    if series and not named:
        return int(series.group(2))
    token = named.group(3) if named else line.split()[0].rstrip(".):") if line.split() else ""
    token = token.split(".")[-1] if "." in token and token.replace(".", "").isdigit() else token
    if token.isdigit():
        return int(token)
    if _is_roman(token):
        return _roman_value(token.upper())
    return _WORD_VALUES.get(token.lower())


def _roman_value(token: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for char, nxt in itertools.zip_longest(token, token[1:], fillvalue=""):
        value = values[char]
        total += -value if nxt and values[nxt] > value else value
    return total


LOOKAHEAD = 50  # headings looked through for the next of a style (bounded on any input)


def _in_sequence(found: list[Heading], paras: list[Paragraph]) -> list[Heading]:
    """Numbered headings count up, each style on its own (starting again at 1 is allowed, and
    a number or two may be missing): a number out of sequence is a figure or a table row
    standing alone ("100", "4 Card32 offset"), not a heading."""
    numbers = [_ordinal(paras[h.index].text) if h.style is not None else None for h in found]
    last: dict[str, int] = {}
    kept = []
    for n, heading in enumerate(found):
        number = numbers[n]
        if number is not None and heading.style is not None:
            before = last.get(heading.style)
            if before is not None and number not in (before + 1, 1):
                # A number or two missing ("271", "273", "274"): only if the count goes on.
                ahead = range(n + 1, min(len(found), n + 1 + LOOKAHEAD))
                later = (k for k in ahead if found[k].style == heading.style)
                after = next(later, None)
                following = numbers[after] if after is not None else None
                if not (before < number <= before + 3 and following == number + 1):
                    continue
            last[heading.style] = number
        kept.append(heading)
    return kept


def _first_subsection(line: str, nxt: Paragraph) -> bool:
    number = _NUMBERED.match(line)
    below = _NUMBERED.match(nxt.text) if nxt.single_line else None
    return bool(number and below and below.group(1) == f"{number.group(1).rstrip('.')}.1")


_EMPHASIS = re.compile(r"([_*]{1,2})(?=\S)(.+?)(?<=\S)\1")


def unemphasised(line: str) -> str:
    """A line without the emphasis marks around the whole of it (an e-text's `_Introduction_`)."""
    match = _EMPHASIS.fullmatch(line.strip())
    return match.group(2) if match else line


def _title_line(para: Paragraph) -> bool:
    """A chapter's title on the line below its number ("The Widow and her Child.")."""
    if not para.single_line or SALUTATION.match(para.text):
        return False
    title = unemphasised(para.text).rstrip(".").strip().strip('"“”')  # '"I WILL TAKE CARE"'
    # A long title set on one line in capitals or title case, as a wrapped one may be ("OF THE
    # LIMITS TO THE AUTHORITY OF SOCIETY OVER THE INDIVIDUAL.").
    if para.wrapped or _case(title) in ("caps", "title"):
        return heading_like(title, chars=WRAPPED_CHARS, words=WRAPPED_WORDS)
    return heading_like(title)


_LABELS = frozenset(
    "chapter book part section letter lecture canto act scene volume article no".split()
)


def _titled(title: str) -> bool:
    """A numbered heading with a title of its own ("1 Introduction"), not a number alone
    ("Chapter IV", "IX", "Book One")."""
    words = [w.strip(".):[]").casefold() for w in NOTE_MARK.sub("", title).split()]
    return any(
        w and not (w in _LABELS or w.isdigit() or _STRICT_ROMAN.fullmatch(w) or w in _WORD_VALUES)
        for w in words
    )


_STRICT_ROMAN = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")


def _sentence(line: str) -> bool:
    """A line that says something ("The paper is organized as follows."), not a title: a
    closing full stop or colon after a verb in lower case."""
    text = unemphasised(line).strip()
    return text.endswith((".", ":")) and bool(_VERB.search(text))


_VERB = re.compile(r"\b(is|are|was|were|has|have|had|will|can|may|must|shall|should|does|do)\b")


def _question_title(para: Paragraph) -> bool:
    """A chapter's title that asks ("ARE WE STANDARDIZED?", "What Is a Reading Circle?")."""
    text = unemphasised(para.text).strip()
    return (
        para.single_line
        and text.endswith(("?", "!"))
        and heading_like(text.rstrip("?!").strip())
        and _case(text) in ("caps", "title")
    )


def _heading_at(paras: list[Paragraph], index: int) -> bool:
    para = paras[index]
    return para.single_line and (_numbered_para(para) is not None or bool(_MATTER.match(para.text)))


def _signature(para: Paragraph, before: Paragraph) -> bool:
    """A name or initials alone under a paragraph of prose: the end of a letter or foreword."""
    return (
        para.single_line
        and len(para.text.split()) <= 4
        and body_like(before)
        and (len(before.text) >= 80)
    )


def _unmarked_candidates(paras: list[Paragraph]) -> list[Heading]:
    found: list[Heading] = []
    for i, para in enumerate(paras):
        if not (para.single_line and _para_heading_like(para)):
            continue
        k = i - 1  # past a picture or a margin note standing above the heading
        while k > 0 and _ANNOTATION.match(paras[k].text.strip()):
            k -= 1
        above = paras[k] if k >= 0 else None
        if k > 0 and _signature(paras[k], paras[k - 1]):
            k -= 1  # the section before ends with its author's name ("LYONESSE")
        prev = paras[k] if k >= 0 else None
        # The body may start after a figure or a date standing alone ("Funding" / "$4.2
        # million"), a dateline or a salutation.
        j = i + 1
        while j < len(paras) and between_heading_and_body(paras[j]):
            j += 1
        nxt = paras[j] if j < len(paras) else None
        if nxt is None:
            continue
        # The first line is a heading too when the text's title came from elsewhere (a title
        # line above it is taken as the title before headings are looked for). A line that
        # ends the sentence running into it ("… of which Class is the" / "AUTHOR") is none.
        runs_on = above is not None and len(above.text) >= 80 and _ends_open(above.text)
        matter = bool(_MATTER.match(para.text))  # "INTRODUCTION." under a title page
        if (prev is None or body_like(prev) or matter) and body_like(nxt) and not runs_on:
            found.append(Heading(i, _caps_without_full_stop(para.text), "unmarked"))
    # Short lines everywhere (dialogue, verse, lists) are not headings.
    return found if found and len(found) <= max(1, len(paras) // 3) else []


def _choose_level(
    paras: list[Paragraph],
    candidates: list[Heading],
    kind: str,
    round_chars: int,
    min_chars: int,
) -> Headings:
    """The shallowest level of headings whose sections are a comfortable round (median at
    most `round_chars`), going no deeper than sections of `min_chars`; a level needs at least
    two headings (one, for marked headings)."""
    everything = candidates
    candidates = _without_front_matter(candidates, paras)
    styles: list[str] = []
    for heading in candidates:
        if heading.style is not None and heading.style not in styles:
            styles.append(heading.style)  # the order they first appear in: outermost first
    if kind == "markdown":
        styles.sort()  # h1 < h2 < ...
    sizes = [len(p.text) for p in paras]
    best: tuple[int, list[Heading]] | None = None
    for depth in range(1, len(styles) + 1):
        level = set(styles[:depth])
        chosen = [h for h in candidates if h.style is None or h.style in level]
        own = [h for h in chosen if h.style is None or h.style == styles[depth - 1]]
        if len(own) < (1 if kind == "markdown" else 2):
            continue
        median = statistics.median(_lengths(sizes, [h.index for h in chosen]))
        if best is not None and (median < min_chars or not _divides(best[1], own)):
            break  # the deeper level cuts too fine, or only here and there: keep the one above
        best = (depth, chosen)
        if median <= round_chars:
            break
    if best is None:
        return Headings("none")
    depth, chosen = best
    deepest = styles[depth - 1]
    starts = {h.index: h.title for h in chosen if h.style is None or h.style == deepest}
    outer = tuple(h for h in chosen if h.index not in starts)
    hidden = {h.index + 1 for h in chosen if h.absorbs_next}
    kept = {h.index for h in chosen}
    deeper = [h for h in everything if h.index not in kept]
    sub = {h.index for h in deeper} | {h.index + 1 for h in deeper if h.absorbs_next}
    return Headings(kind, starts, frozenset(hidden), frozenset(sub - hidden), outer)


_UNNAMED = ("roman", "arabic", "§")


def _without_front_matter(candidates: list[Heading], paras: list[Paragraph]) -> list[Heading]:
    """Without the numbered parts of an editor's introduction: a style of bare numbers ("I.",
    "II.") used only before the first heading of a named style ("CHAPTER 1.") that divides
    more of the text is the front matter's own numbering, not the book's divisions (those
    headings stay in the text as sub-headings)."""
    before = list(itertools.accumulate((len(p.text) for p in paras), initial=0))
    spans: dict[str, tuple[int, int, int]] = {}  # style -> first, last, characters between
    for heading in candidates:
        if heading.style is None:
            continue
        first, _, _ = spans.get(heading.style, (heading.index, 0, 0))
        spans[heading.style] = (first, heading.index, before[heading.index] - before[first])
    front = {
        style
        for style, (_, last, divided) in spans.items()
        if style.startswith(_UNNAMED)
        and any(
            not other.startswith(_UNNAMED) and last < start and other_divided > divided
            for other, (start, _, other_divided) in spans.items()
        )
    }
    return [h for h in candidates if h.style not in front] if front else candidates


def _divides(above: list[Heading], below: list[Heading]) -> bool:
    """Headings of the deeper level stand in at least half of the sections above them (a
    book's chapters), not in one or two (a numbered song inside a chapter)."""
    starts = sorted(h.index for h in above)
    holding = {bisect.bisect_left(starts, h.index) for h in below}  # the section each is in
    return len(holding) >= max(1, len(starts) / 2)


def _lengths(sizes: list[int], cuts: list[int]) -> list[int]:
    bounds = [*cuts, len(sizes)]
    return [sum(sizes[a:b]) for a, b in itertools.pairwise(bounds)]


def find_headings(paras: list[Paragraph], *, round_chars: int, min_chars: int) -> Headings:
    for kind, finder in (
        ("markdown", _marked),
        ("numbered", _numbered_candidates),
        ("unmarked", _unmarked_candidates),
    ):
        candidates = finder(paras)
        if candidates:
            found = _choose_level(paras, candidates, kind, round_chars, min_chars)
            if kind == "numbered" and too_coarse(paras, found, round_chars):
                # "VOLUME ONE" and a "FOREWORD" above twelve legends headed in capitals: the
                # legends' own headings divide the book, the two numbered ones do not.
                named = {h.index for h in candidates}
                unmarked = [h for h in _unmarked_candidates(paras) if h.index not in named]
                if unmarked:
                    both = sorted([*candidates, *unmarked], key=lambda h: h.index)
                    below = _choose_level(paras, both, "unmarked", round_chars, min_chars)
                    if len(below.starts) > len(found.starts):
                        return below
            if found.starts:
                return found
    return Headings("none")


def too_coarse(paras: list[Paragraph], found: Headings, round_chars: int) -> bool:
    """Two sections or fewer, one of them longer than three rounds."""
    if len(found.starts) > 2:
        return False
    sizes = [len(p.text) for p in paras]
    cuts = sorted({*found.starts, *(h.index for h in found.outer)})
    return any(size > 3 * round_chars for size in _lengths(sizes, cuts or [0]))
