"""What each sentence of a section commits its author to, and which sentences are central.

A sentence is read as one of:

- **arguable**: the author's own evaluative, normative, predictive, causal or comparative claim,
  something a member can agree or disagree with; in a proposal, its design ("Introduce a new
  `dyn` keyword…", "the `//` operator will return the floor") is its claim;
- **figure**: a reported fact with a number, to be weighed as evidence, not agreed with;
- **set-up**: a position the author reports in order to attack it ("Some say…", "It is objected
  that…", "FIRSTLY – That…", a claim followed by "That fear is wrong"), or someone else's claim
  ("Critics argue…", "The minister said…");
- **quote**: someone else's words: in quotation marks, verse, an indented block quote;
- **narrative**: what happened (dialogue, "He walked…", a report only in the past tense that
  holds no verdict);
- **citation**, **code**, **boilerplate** (status and licence lines, navigation, sharing);
- **question**: the author's own question, open or rhetorical ("How common are trait objects in
  real code?"), asked back to the readers when a section's claims run short;
- **plain**: a statement with nothing to debate, or a signpost ("We will now turn to…");
- **fragment**: not a whole sentence of prose that fits a question (a list item, a heading,
  half a quotation, longer than a question allows).

Only whole sentences of prose are read; centrality is the sentence's cosine similarity to its
section (tf-idf over the section's own sentences), so the claims asked about first are the ones
the section is about, not its asides.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from roundtable.packs.blocks import LIST_ITEM, LIST_MARKER
from roundtable.packs.sentences import split_sentences

SNIPPET_CHARS = 200  # the longest sentence quoted whole; longer ones are not asked about
MIN_WORDS = 7

# Template kinds of an arguable claim, in the order one is named for a sentence with several.
ARGUABLE_MARKS = (
    "normative",
    "design",
    "prediction",
    "causal",
    "inference",
    "comparison",
    "evaluative",
)

_FIGURE = re.compile(
    r"(\$\s?\d|£\s?\d|€\s?\d|\d+(\.\d+)?\s?(%|percent|per cent)|\b\d[\d,.]*\s+(million|billion"
    r"|trillion|thousand)\b|\b\d{1,3}(,\d{3})+\b|\b(a|one) (million|billion|trillion)\b"
    # A count of things: "62 words", "22 branches" (not "tier 1 target", "Rust 2018 may").
    r"|(?<!tier )(?<!version )(?<!edition )(?<!chapter )(?<!section )(?<!page )(?<!step )"
    r"(?<!level )(?<!phase )(?<!part )(?<!rule )(?<!item )(?<!no\. )(?<!vol\. )"
    # Not a stretch of time: "we are 15 years down the road".
    r"\b\d[\d,.]*\s+(?!(years|months|weeks|days|hours|minutes|decades|centuries)\b)"
    # Nor a version's verb ("Go 1.6 starts using", "2017 has"), nor "address".
    r"(?!(has|was|does|goes|says|makes|takes|gives|uses|includes|starts|causes|needs|seems"
    r"|means|comes|becomes|remains|returns|runs|works|adds|breaks|changes|allows|requires"
    r"|supports|provides|introduces|fixes|ships|brings)\b)"
    r"(?-i:[a-z]+[a-rt-z]s)\b(?!\s+(ago|later|earlier|before|after|old)\b)"
    # Sums and shares in words: "four thousand pounds", "two-thirds of the".
    r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty"
    r"|seventy|eighty|ninety|a|one|several) (hundred|thousand|million)"
    r" (?!(years|months|weeks|days|hours|decades|centuries)\b)\w+"
    r"|\b(\w+ )?(hundred|thousand) (pounds|dollars|shillings|guineas|francs|crowns|marks)\b"
    # Not "half of the world": a share is a third, a quarter… of something counted.
    r"|\b(a third|a quarter|a tenth|a fifth|two[- ]thirds|three[- ]quarters) of (the|all|its"
    r"|our|their)\b)",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    # "more costly than", not "more than a century" (a quantity).
    r"\b(more|less|fewer)\s+(?!than\b)\w+.{0,60}\bthan\b"
    r"|\b(better|worse|cheaper|dearer|faster|slower|larger|smaller|harder|easier|wiser|safer"
    r"|stronger|weaker)\s+(\w+.{0,60})?\bthan\b"
    r"|\b(compared (to|with)|by contrast|in contrast|unlike|comparable to|outweighs?"
    r"|(small|little|nothing|trifling|great|large) beside)\b|,\s*(while|whereas)\b"
    # "would cost less than a new branch" (not "less than a century", a quantity).
    # A change judged by what it does, with no "than": "code becomes slightly more verbose",
    # "makes Rust code take longer to compile".
    r"|\b(becomes?|became|makes?|made|making|gets?|got|grows?|grew)\b[^.;]{0,40}?\b((more|less)\s+"
    r"(?!than\b|of\b|and\b|or\b)[a-z]{4,}|slower|faster|harder|easier|simpler|safer|clearer"
    r"|riskier|costlier|heavier|worse|better)\b"
    r"|\b(take|takes|took)\s+(much |far |a lot |a bit |slightly )?(longer|less time|more time)\b"
    r"|\b(cost|costs|pay|pays|spend|spends|earn|earns|matter|matters|serve|serves|help|helps"
    r"|harm|harms|hurt|hurts|gain|gains|lose|loses|save|saves)\s+(far |much |a lot |no )?(more"
    r"|less)\s+than\b",
    re.IGNORECASE,
)
_NORMATIVE = re.compile(
    # Not "must have been", "should have restored": a guess about the past, not an ought.
    r"\b(must(?! have)|should(?! have)|ought|(?<!that )(?<!which )(?<!who )(need to|needs to)"
    r"|cannot afford|can no longer afford"
    r"|it is (long |high |about )?(past )?time"
    r"|will have to|(does not|do not|doesn't|don't|need not|needn't) have to)\b"
    # A proposal is an ought: "I propose …", "This PEP proposes …".
    r"|\b(I|we) (therefore |now |also |instead |would )?(propose|recommend)\b"
    r"|\b[Tt]his (PEP|RFC|proposal|document|design|change|paper|memo) (proposes|recommends)\b"
    r"|^Let (us|the|them|every|each|no|our)\b",
    re.IGNORECASE,
)
# A proposal's design, stated as a decision to debate: "Introduce a new `dyn Trait` syntax …",
# "Deprecate the bare syntax …" (an imperative naming what changes); a forecast about code,
# "`dyn` will become a proper keyword", is one too (see arguable_marks).
_DESIGN = re.compile(
    r"^(Introduce|Add|Deprecate|Remove|Replace|Rename|Allow|Permit|Forbid|Disallow|Stabili[sz]e"
    r"|Extend|Require|Expose|Reserve|Drop|Split|Merge|Adopt|Accept|Reject|Standardi[sz]e)\s"
    r"(?=.*(`|\b(syntax|keyword|operator|function|method|API|flag|option|type|module|attribute"
    r"|field|lint|feature|macro|trait|class|statement|expression|parameter|argument|command"
    r"|header|format|protocol|version|edition)s?\b))",
)
_PREDICTION = re.compile(
    # Not a bare "would": habits in the past ("the chorus would chant") and conditionals that
    # explain ("one would then upgrade") are not predictions.
    r"(?<!his )(?<!her )(?<!its )(?<!the )(?<!our )(?<!free )(?<!good )(?<!ill )(?<!own )"
    r"\b(will|won't|is going to|are going to|is likely|are likely|is set to|are set to"
    r"|is bound to|may soon|could soon|in the years? (to come|ahead))\b",
    re.IGNORECASE,
)
_CAUSAL = re.compile(
    r"\b(because|caused|causes|led to|leads to|lead to|result(ed|s)? in|due to|thanks to"
    r"|backfired|drove|drives|as a result|forced|pushed|resolves|solves)\b",
    re.IGNORECASE,
)
# "thus" before a clause ("thus the result is `false`"), not before a participle: in narration
# it mostly means "in this way" ("thus giving us our modern staff").
_INFERENCE = re.compile(
    r"\b(therefore|hence|thus(?!,?\s+\w+ing\b)|it follows that|which is why)\b", re.IGNORECASE
)
_EVALUATIVE = re.compile(
    r"\b(good|bad|better|worse|best|worst|wrong|fair|fairer|unfair|important|dangerous"
    r"|mistake|mistakes|mistaken|confuses|ignores|overlooks|failure|failed|success|successful"
    r"|absurd|foolish|wise|wiser|unwise|reckless|misguided|deserve[sd]?|harm(ful|s)?"
    r"|benefit(s|ed)?|gain|waste|wasteful|worth|worthless|worthwhile|threat|crisis|serious"
    r"|harder|easier|simpler|clearer|in fact|the real|no more than|proves too much|valuable"
    r"|useful|useless|effective|ineffective|necessary|unnecessary|essential|crucial|vital"
    r"|reasonable|unreasonable|sensible|appropriate|inappropriate|no wonder"
    # What a design is judged by: "The major downside of this proposal is that it complicates…"
    r"|downsides?|upsides?|drawbacks?|disadvantages?|advantages?|complicates?|simplif(y|ies)"
    r"|confusing|error-prone|cumbersome|verbose|awkward|clumsy|elegant|ugly|brittle|fragile"
    r"|robust|burden(some)?|terrible|excellent|unsound|surprising|cleaner|difficult"
    r"|inconsistent|unintuitive|counterintuitive)\b"
    # "right", "merely" and "clearly" as verdicts ("is right", "is merely a habit", "Clearly,
    # …"), not "his upper right pocket", "merely tablets", "a tone clearly uttered".
    r"|\b(is|are|was|were|be|been) (quite |entirely |not |absolutely )?(right|merely|clearly"
    r"|obviously|surely|arguably)\b|\bright to\b|\b(not|but) merely\b"
    r"|\bthe right (thing|way|choice|course|one|answer|name|word|term|to)\b"
    r"|^(Clearly|Obviously|Surely|Arguably)\b"
    r"|\bthe (\w+est|most \w+|least \w+) (ways?|means|things?|choices?|options?|reasons?|course)\b"
    # Measure as verdict: "too much code checking errors and not enough handling them".
    r"|\b(too (much|many|little|few)|not enough)\b"
    r"|\bthe (main|chief|principal|root|real|only) (cause|source|reason|problem|obstacle)\b"
    r"|^The (only |real |main )?problem with\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(I|we) (do |don't |do not )?(also |really |still |strongly |firmly |personally )?"
    r"(think|believe|argue|suspect|doubt|fear|hope|hold|maintain"
    r"|contend)\b"
    # "I find this an odd name", not "we find him setting out for Vienna".
    r"|\bI find (it|this|that|these|those)\b"
    r"|\bin (my|our) (view|opinion|judgement|judgment)\b"
    r"|\b(our|these|the) (results|data|findings|evidence|experience)\s+(suggest|show|prove"
    r"|indicate|demonstrate)s?\b",
    re.IGNORECASE,
)


def signpost(sentence: str) -> bool:
    """The author steering the reader ("We now turn to …", "For details, see …"), not a claim."""
    return bool(_SIGNPOST.search(sentence))


def own_view(sentence: str) -> bool:
    """The author says it is their own view: "I also believe …", "in our view …"."""
    return bool(_OPINION.search(sentence))


# A position the author sets up in order to answer it, or someone else's claim.
_SET_UP = re.compile(
    r"^(?i:FIRST(LY)?|SECOND(LY)?|THIRD(LY)?|FOURTH(LY)?|FIFTH(LY)?|LASTLY|OBJECTION)\b\W*(That)\b"
    r"|^(Objection|It is objected|Some|Many|Others|Critics|Opponents|Sceptics|Skeptics|Detractors"
    r"|Defenders|Supporters|Proponents|Advocates)\b[^.]{0,40}?\b(say|said|argue[sd]?|claim(ed)?"
    r"|believe[sd]?|insist(ed)?|contend(ed)?|object(ed)?|maintain(ed)?|suggest(ed)?|hold|held"
    r"|think|thought|warn(ed)?|tell us|assert(ed)?|complain(ed)?|call|point out|reply|counter"
    r"|answer|find|found|feel|felt|prefer(red)?|fear(ed)?|worr(y|ied)|want(ed)?)\b"
    # Someone's point reported: "A counterpoint to that analysis is that…", "The BDFL's
    # position is that…" (not "My view is that…").
    r"|^(A|One|Another|The) (counterpoint|counter-?argument|objection|criticism|complaint"
    r"|concern)s?\b[^.]{0,40}?\b(is|was) that\b"
    r"|^(?!(My|Our)\b)[A-Z][\w.'’ -]{0,40}?['’]s? (position|view|opinion|argument|claim|stance)"
    r" (is|was) that\b"
    # A name, a clause set off by commas, then the verb: "Machiavelli, when commenting on this
    # election, says that…".
    r"|^((The|A|An|His|Her|Our|Their) [a-z]+|[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){0,3}), [^,]{1,60},"
    r" (says|said|argues|argued|writes|wrote"
    r"|claims|claimed|tells us|told us|insists|insisted|maintains|maintained)\b"
    # An attribution inside the sentence: "…, they say, so a digital copy…".
    r"|,\s+(\w+\s+){1,2}?(say|says|said|argue|argues|argued|claim|claims|claimed|insist|insists"
    r"|insisted|tell us|believe|believes)\s*[,;]"
    r"|(?i:\b(it is|it has been|it was|it will be|it may be|it might be)\s+(often |widely "
    r"|commonly |sometimes |frequently |generally |usually |also |further )?(said|argued|claimed"
    r"|held|believed|thought|suggested|objected|urged|alleged|assumed|supposed|asserted"
    r"|contended|maintained|insisted|pretended|affirmed)\b)"
    r"|(?i:\b(we are|we have been|you are|you have been|we were)\s+(often |always |constantly "
    r"|repeatedly |so often )?(told|assured|warned)\b)"
    r"|\bthe (usual|common|conventional|standard|popular|received|familiar) (view|wisdom"
    r"|argument|objection|answer|story|belief|complaint)\b"
    r"|\b(one|you|someone|a critic|a reader) (may|might|could|will) (object|say|argue|reply)\b"
    r"|\((\w+ ){1,3}(may|might|would|will) (say|object|argue|reply)\)"
    r"|\b(the|this) argument goes\b|\baccording to (critics|opponents|some|many)\b"
    # "There has also been some concern that Rust is making too many changes …".
    r"|(?i:\bthere (is|are|has|have|was|were)( also)?( been)? (some |much |growing |widespread )?"
    r"(concern|criticism|worry|fear|complaints?|suggestions?|calls) that\b)",
)
# A paragraph opened by a group's view: "Supporters of a ``cond()`` function point out that…".
_GROUP_VIEW = re.compile(
    r"^(Some|Many|Others|Critics|Opponents|Sceptics|Skeptics|Detractors|Defenders|Supporters"
    r"|Proponents|Advocates|Those who)\b"
)
# The author answering it.
_TURN = re.compile(
    r"^(But|However|Yet|Still|Nevertheless|Nonetheless|In fact|Actually|On the contrary"
    r"|I|We|My|Our|This (is|argument|view)|That (is|argument|view)"
    r"|(This|The) (PEP|RFC|proposal|document|paper|essay|book|author|design))\b"
)
# A sentence announcing the objection the rest of its paragraph states: "The objection likely
# to be made to this argument would take some such form as the following."
_ANNOUNCED = re.compile(
    r"\b(objection|objector|opponent|critic|adversar|other side)\w*\b.{0,80}\b(the following"
    r"|as follows|some such form|in these words)\b",
    re.IGNORECASE,
)
# Someone else's claim, reported: "The mayor argues that…", "Smith told the Senate…".
_REPORTED = re.compile(
    r"^(?!(I|We|This|That|It|Our|My)\b)(?P<who>[A-Z][\w.'’ -]{0,60}?)"
    r"(?<!\bwill)(?<!\bwould)(?<!\bshall)(?<!\bcan)(?<!\bmay)(?<!\bmust)(?<!\bto)(?<!\bnot)"
    r"\s(says?|said|argues?|argued"
    r"|claims?|claimed|insists?|insisted|contends?|contended|warns?|warned|believes?|believed"
    r"|told|tells?|maintains?|maintained|asserts?|asserted|declared|wrote|writes?|recommended"
    r"|think that|fear that|agrees? that"
    r"|demanded|proposed|urged|taught|held that|thinks|thought that|felt that|points? out"
    r"|pointed out"
    r"|repl(y|ies|ied)|counter(s|ed)?|answer(s|ed)?)\b"
)
# The sentence after a set-up that rejects it: "That fear has been wrong…", "But this is a myth".
_REBUTTAL = re.compile(
    r"^(But|Yet|However|Nothing|This|That|The claim|The argument|Such|The truth)\b[^.]{0,50}?"
    r"\b(wrong|false|mistaken|myth|nonsense|untrue|not so|proves too much|mistakes|confuses"
    r"|further from the truth|misreads|misunderstands)\b",
)
# The author steering the reader through the text, not claiming anything: "We will now trace…",
# "It will be remembered…", "Let us assume…", "we must keep in mind…", "the following…".
_SIGNPOST = re.compile(
    # A pointer elsewhere: "For details on how this operator will be implemented, see
    # Implementation details.", "(see the section below)".
    r"^For (more |further |full )?(details|information|discussion|background)\b.*\bsee\b"
    r"|\bsee (the )?(section|sections|chapter|appendix) (below|above|on)\b"
    r"|\bsee [^.;:]{1,40}\b(below|above)\b|"
    r"\b(we|I) (will|shall|must|can|may|now) (now |then |next |first |briefly )?(begin|turn"
    r"|pass|trace|consider|look|examine|quote|show|return|see|discuss|review|deal|remember"
    r"|recall|note|include|keep in mind|bear in mind|not forget|distinguish|describe|outline"
    r"|leave out|omit|keep to|confine (myself|ourselves)|address (myself|ourselves)|treat of"
    r"|speak of)\b"
    r"|\b(I|we) have (already )?(dwelt|touched|spoken|written|insisted) (on|upon|of|at length)\b"
    r"|\bit (will|should|must|may)(,? (also|however|then),?)? be (remembered|noted|mentioned"
    r"|observed|understood|recalled|seen|noticed|stated|added|explained|said)\b"
    r"|\bmust (also )?be (made|mentioned|noted|said)\b|\bthe following\b"
    r"|\bas (we|I) (hope|shall|will|have) (to )?(show|see|seen|shown)\b"
    r"|\bas (will|shall|has|was) (be |been )?(seen|mentioned|shown|noted|explained|said)\b"
    r"|\b(something|a word|a few words) (should|must) be said\b"
    r"|\blet us (assume|suppose|consider|take|look|turn|now|return|begin|see)\b"
    r"|\b(I|we) (merely |only |simply )?meant (to|that)\b|\bby this (I|we) (do not |don't )?mean\b"
    r"|\bshould be (mentioned|noted|said|added|observed)\b"
    r"|\bas (we['’]ll|we will|we shall|you['’]ll|you will) see\b"
    # The text about itself: "This post is about…", "The three last numbers of this paper have
    # been dedicated to…", "It will be of use to begin by examining…".
    r"|\b(this|the present|the foregoing|the preceding|the (two |three |four )?last)"
    r" (\w+ )?(posts?|papers?|essays?|articles?|chapters?|books?|sections?|numbers?|letters?"
    r"|lectures?|pages?|RFCs?|PEPs?|documents?)( of this \w+)? ((is|are|was|were|has been"
    r"|have been|will be) (about|dedicated|devoted|concerned|intended|meant|given|divided)"
    r"|deals?|treats?|describes?|discusses?|explains?|looks|outlines?|covers?|has the goal of"
    r"|aims? to|sets? out to)\b"
    # "It is important to note that…", "it's worth noting in passing that…": what follows is
    # the point, the importance is the author steering.
    r"|\b(it is|it's)( also| however,?)? (important|worth|interesting|useful) (to note|noting"
    r"|to remember|remembering|to mention|mentioning|to point out|pointing out)\b"
    r"|\bto (begin|proceed|go on|turn) (by|to) (examin|consider|inquir|discuss|review)"
    # "It is scarcely necessary to add…", "it is necessary to bear in mind…", "it is hardly
    # necessary to say": the author steering, not claiming.
    r"|\b(it is|it's|it would be|it were) (\w+ )?(unnecessary|needless|necessary|superfluous"
    r"|useless|useful) to (add|say|urge|state|mention|remark|point out|criticize|criticise"
    r"|examine|dwell|repeat|observe|bear in mind|keep in mind|remember|recall|explain|note)\b"
    r"|\b(hardly|scarcely) (necessary|needful) to (add|say|state|mention|remark)\b"
    # What the author will not go into: "it would be out of place to examine here whether…".
    r"|\b(examine|discuss|consider|enter into|enter upon|inquire into|dwell on|go into) (here"
    r"|in this place|at present)\b"
    # Courtesies: "we look forward to…", "We thank…".
    r"|\b(I|we) (look forward to|thank|are grateful|would like to thank)\b",
    re.IGNORECASE,
)
# Code outside `inline code` spans (a sentence of prose may name `go` or `open()` in one).
_CODE = re.compile(
    r"```|^\s*[\w.]+\s*=\s*[\[{\"'\d]|[{};]\s*$|\w\(\)|::|=>|->|</?[a-z]+>"
    r"|^\s*(def|fn|let|const|var|import|from|class|return|if|for|while|pub|use)\s"
)
# A code span opened and closed by runs of as many backticks: Markdown's `x` and ``x``,
# reStructuredText's ``x``.
_INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _code(sentence: str) -> bool:
    """A line of code, or prose that is mostly code: more than a quarter of it in code spans,
    or three spans or more, not counting spans that only name something (prose naming
    `Equatable`, `Comparable` and `Hashable` is prose); or spans with hardly a word around."""
    found = list(_INLINE_CODE.finditer(sentence))
    spans = [f.group() for f in found if not _NAME_SPAN.fullmatch(f.group(2))]
    if len(spans) >= 3 or sum(len(s) for s in spans) > len(sentence) / 4:
        return True
    if found and len(_INLINE_CODE.sub(" ", sentence).split()) < 5:
        return True
    return bool(_CODE.search(_INLINE_CODE.sub("code", sentence)))


# A span that names a thing: `Equatable`, `Enum.entries`, `values()`, `--merged`.
_NAME_SPAN = re.compile(r"(--?)?[A-Za-z_][\w.:-]*(\(\))?")


_CITATION = re.compile(
    r"\[\d+(?:\s*[,–-]\s*\d+)*\]|\[\[[^\]]+\]\]"
    r"|\([A-Z][\w'’-]+(?:,? (?:and|&) [A-Z][\w'’-]+| et al\.)?,? "
    r"(?:1[5-9]|20)\d\d[a-z]?(?:[;,][^)]*)?\)|\bet al\.|\bibid\b|\bop\. cit\b|\bpp?\. \d"
    r"|\bvol\. [ivxlcdm\d]|\bdoi:|\bISBN\b|^(See|Cf\.|Compare)\b|\b(issue|PR|pull request) #\d+"
    r"|https?://|\bchap\. [ivxlc\d]+"
    r"|\[#?[\w-]*\]_"  # reStructuredText's note and citation marks: [1]_, [#label]_
    r"|(\b\d+,\s*){3,}\d+",  # an index entry's pages: "23, 25, 26, 35"
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(Status|Licen[cs]e|Copyright|Posted|Published|Updated|Last updated|Authors?|Date"
    r"|Feature name|Start date|RFC PR|Tracking issue|Share|Subscribe|Read more|Sign up|Follow us"
    r"|Click|Tags?|Filed under|Table of contents|Skip to|Advertisement|Related)\b"
    r"|©|\ball rights reserved\b|\bnewsletter\b|\bcookies\b|\bprivacy policy\b|\bterms of "
    r"(use|service)\b|\bavailable (at|from|on)\b.{0,60}\b(repository|website|github)\b",
    re.IGNORECASE,
)
_DIALOGUE = re.compile(
    r"[”\"’'],?\s+(he|she|they|I|[A-Z][a-z]+|(the|a|his|her|their|my|our) [a-z]+)\s+(said|asked"
    r"|replied|cried|answered|whispered"
    r"|shouted|muttered|called)\b|\b(said|asked|replied|cried|answered) (he|she|[A-Z][a-z]+)\b"
)
_NARRATION = re.compile(
    # A person doing something, in the past: "She walked…", "Anna counted…" (not "The vote
    # was…": a determiner's noun is not a character).
    r"^(Then |At last |In the morning,? |By evening,? )?"
    r"(?!(It|This|That|There|Such|What|The|A|An|These|Those|Its|Our|Their|His|Her|My)\b)"
    r"(He|She|They|[A-Z][a-z]+)\s"
    r"(was|were|had|did|went|came|saw|took|stood|sat|set|ran|held|made|began|told|knew|felt"
    r"|heard|found|left|shut|rose|fell|put|got|gave|[a-z]{2,}ed)\b"
)
_QUOTED = re.compile(r"[“\"]([^”\"]*)[”\"]")
# Not sentences of prose: list items, table rows, headings, references.
_NOT_PROSE = re.compile(r"^\s*([-*•>|]|\d+[.)]\s)|\s\|\s|^#")
# Single quotation marks (not apostrophes): a sentence of dialogue must hold its whole quote.
_OPENING_SINGLE = re.compile(r"(?:^|[\s(—-])['‘](?=\w)")
_CLOSING_SINGLE = re.compile(r"[.,!?;:…]['’](?=[\s)—-]|$)|\w['’](?=[,.;:!?)—]|$)")
_SENTENCE_START = re.compile(r"^[“\"‘'(]?[A-Z0-9]")
_SENTENCE_END = re.compile(r"[.!][”\"’')]*$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    kind: str  # arguable | figure | set-up | quote | narrative | citation | code | ...
    marks: tuple[str, ...]  # the arguable marks found, in ARGUABLE_MARKS order
    paragraph: int
    centrality: float = 0.0


def sentences(text: str) -> list[tuple[str, bool, int]]:
    """(sentence, inside a quotation, paragraph number); a quotation may run over several
    sentences."""
    found = []
    for number, paragraph in enumerate(text.split("\n\n")):
        depth = 0
        block_quote = paragraph.startswith("> ")
        if block_quote:
            paragraph = re.sub(r"^> ?", "", paragraph, flags=re.MULTILINE)
        verse = block_quote or _verse(paragraph)
        straight = False  # inside a quotation opened with a straight quote mark
        pieces = _list_pieces(paragraph)
        for sentence in (s for piece in pieces for s in split_sentences(piece.replace("\n", " "))):
            sentence = sentence.strip()
            if not sentence:
                continue
            opens = sentence.count("“")
            quoted = (
                verse
                or depth > 0
                or straight
                or sentence.startswith(("“", '"'))
                or _mostly_quoted(sentence)
            )
            depth = max(0, depth + opens - sentence.count("”"))
            straight ^= sentence.count('"') % 2 == 1
            found.append((sentence, quoted, number))
    return found


def _list_pieces(paragraph: str) -> list[str]:
    """A paragraph cut where its list items start; an item's name on a line of its own above
    what it says ("* Language semantics that are difficult to implement" / "Because …") is
    apart from it, not the first words of its first sentence."""
    pieces: list[str] = []
    for item in _ITEM_START.split(paragraph):
        first, _, rest = item.partition("\n")
        named = (
            LIST_ITEM.match(first) and rest[:1].isupper() and first.rstrip()[-1:] not in ".!?:;,"
        )
        pieces += [first, rest] if named else [_item_text(item)]
    return pieces


def _item_text(item: str) -> str:
    """A list item that is a whole sentence, without its marker: a proposal's drawbacks and
    design decisions are often listed ("- Code that uses trait objects becomes slightly more
    verbose."). An item that is not (a name, words in lower case, no full stop) keeps its
    marker, and stays a fragment."""
    marker = LIST_ITEM.match(item)
    if marker is None:
        return item
    rest = item[marker.end() :]
    whole = rest[:1].isupper() and rest.rstrip().endswith((".", "!", "?"))
    return rest if whole else item


_ITEM_START = re.compile(r"\n(?=\s*" + LIST_MARKER + ")")

VERSE_LINE = 60


def _verse(paragraph: str) -> bool:
    """Lines of a poem or song kept as written: two or more short lines, each beginning with a
    capital (a quotation, never the author's claim)."""
    lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
    return len(lines) >= 2 and all(
        len(line) <= VERSE_LINE and line.lstrip("“‘'\"(_")[:1].isupper() for line in lines
    )


def _mostly_quoted(sentence: str) -> bool:
    """Someone else's words make up most of it (not a phrase in quotation marks)."""
    inside = sum(len(m.group(1)) for m in _QUOTED.finditer(sentence))
    return inside >= len(sentence) / 2


def quotable(sentence: str) -> bool:
    """A whole sentence of prose that fits a question unabridged."""
    return (
        len(sentence) <= SNIPPET_CHARS
        and (len(sentence.split()) >= MIN_WORDS or _short_claim(sentence))
        and bool(_SENTENCE_START.match(sentence))
        and bool(_SENTENCE_END.search(sentence))
        and not _NOT_PROSE.search(sentence)
        and sentence.count("“") == sentence.count("”")
        and sentence.count('"') % 2 == 0
        and len(_OPENING_SINGLE.findall(sentence)) == len(_CLOSING_SINGLE.findall(sentence))
        and sentence.count("(") == sentence.count(")")
        and not _shouting(sentence)
    )


def _asks(sentence: str) -> bool:
    """A whole question of prose that fits a question of ours unabridged."""
    bare = sentence.rstrip()
    return (
        bare.endswith("?")
        and not bare.endswith("??")
        and len(sentence.split()) >= 5
        and quotable(bare[:-1] + ".")
    )


def _short_claim(sentence: str) -> bool:
    """A short sentence that is a whole verdict, not a reply leaning on the one before:
    "Boring is good.", "More precision is better." (not "That is wrong.")."""
    words = sentence.split()
    return (
        len(words) >= SHORT_CLAIM_WORDS
        and words[0].strip("“\"'‘(").lower() not in _LEANING
        and not _SUPPOSING.search(sentence)  # "But even suppose blood should flow."
        and bool(_EVALUATIVE.search(sentence) or _NORMATIVE.search(sentence))
    )


SHORT_CLAIM_WORDS = 3
_SUPPOSING = re.compile(r"\b(suppose|supposing|imagine|if|unless|when|whether)\b", re.IGNORECASE)
_LEANING = frozenset(
    "that this it these those they he she so such which yes no and or then there here".split()
)


def _shouting(sentence: str) -> bool:
    """Mostly in capitals: a heading, an imprint or a sign, not a sentence of prose."""
    letters = [c for c in sentence if c.isalpha()]
    return sum(c.isupper() for c in letters) > 0.6 * len(letters)


# Tense: a sentence only in the past reports what happened; the author argues in the present.
_PAST = re.compile(
    r"\b(was|were|had|did|wasn't|weren't|hadn't|didn't|(must|may|might|could|should|would) have"
    r"|came|went|saw|took|gave|made|began|knew|felt|heard|found|left|rose|fell|wrote|brought"
    r"|thought|told|stood|sat|ran|spoke|became|held|kept|met|sent|won|lost|paid|led|bore|grew"
    r"|drew|chose|fought|sought|taught)\b"
    r"|\b(he|she|they|it|I|we|who|which|[A-Z][a-z]+) (\w+ly )?[a-z]{2,}ed\b"
)
_PRESENT = re.compile(
    r"\b(is|are|am|isn't|aren't|has|hasn't|does|doesn't|can|cannot|can't|shall|must(?! have)"
    r"|should(?! have)|will|won't|may(?! have)|ought|need|needs|now|today|nowadays|makes|means"
    r"|shows|seems|remains|matters|depends|becomes|gives|takes|keeps|leaves|tells|finds|offers"
    r"|brings|helps|lies|belongs|requires|deserves|proves|explains|suggests|teaches)\b"
    r"|\b(I|we|you|they) (have|do|think|know|believe|find|see|want|hope|fear|say)\b",
    re.IGNORECASE,
)
# A verdict even about the past ("made the mistake of…"), unlike "an important link".
_JUDGEMENT = re.compile(
    r"\b(mistakes?|mistaken|wrong|wrongly|failure|failed|foolish|reckless|misguided|absurd"
    r"|unfair|unjust|shameful|disastrous|blunder|folly|deserved?|harmful)\b",
    re.IGNORECASE,
)
# Idioms that only look like judgements: "saw a good deal of him".
_IDIOMS = re.compile(
    r"\ba good (deal|many|while|few)\b|\bbest[- ]known\b|\bgood[- ]?by(e)?\b"
    r"|\bgood (morning|evening|night|day)\b",
    re.IGNORECASE,
)
_QUOTATION = re.compile(r"[“\"][^”\"]*[”\"]|(?:^|(?<=[\s(—-]))['‘][^'‘’]*?['’](?=[\s).,;:!?—-]|$)")


# What someone said or wanted, reported: "he demanded of his pupils that they should…".
_REPORTED_CLAUSE = re.compile(
    r"\b(demanded|insisted|required|urged|asked|wished|wanted|said|declared|thought|believed"
    r"|argued|felt|held|maintained|claimed|learnt|learned|taught)(\s+(of|from|to|upon|on)"
    r"(\s+\w+){1,3}?)?,?\s+that\b[^.;]*"
    # "What was now wanted was, that the rulers should…": a want of the past, reported.
    r"|\b(wanted|desired|demanded|needed|required)\s+(was|were),?\s+that\b[^.]*"
    # "The hope was that … we should be able to…", "The aim, therefore, of patriots, was to…".
    r"|\b(hope|aim|idea|plan|intention|expectation|goal|object)\b[^.;]{0,40}?\b(was|were"
    r"|had been),?\s+(that|to)\b[^.]*"
)
_ASIDE = re.compile(r"\([^()]*\)")
_THAT_SHOULD = re.compile(r"\bthat\b[^.;]*?\bshould\b(?! have)[^.;]*")
# A hedge set off by commas in a story ("whither, I think, he had carried…"): no opinion.
_HEDGE = re.compile(r",\s*(I|we) (think|believe|suppose|fancy|imagine|suspect),")
# Telling what the narrator did: "I saw one of the windows", "we repeatedly assured…".
_FIRST_PERSON_PAST = re.compile(
    r"\b(I|[Ww]e)\s+(\w+ly\s+)?(was|were|had|did|saw|went|came|drove|rode|walked|found|felt|knew"
    r"|heard|met|left|sat|stood|took|made|got|told|asked|said|[a-z]{2,}ed)\b"
)


def arguable_marks(sentence: str) -> tuple[str, ...]:
    """What makes a sentence arguable, read in the author's words only (not in a quotation,
    not in what someone was reported to have said or wanted)."""
    sentence = _IDIOMS.sub("…", _QUOTATION.sub("…", sentence))
    sentence = _REPORTED_CLAUSE.sub("…", sentence)
    # An aside in brackets ("(perhaps that will change at some point)") is not the claim.
    sentence = _ASIDE.sub("…", sentence)
    # In a report of the past, "that their governors should be…" is what was thought or
    # required then, not the author's ought.
    unbound = _THAT_SHOULD.sub("…", sentence)
    if unbound != sentence and _reports_the_past(unbound):
        sentence = unbound
    forecast = _PREDICTION.search(sentence)
    # A forecast about code is the proposal's design ("the `//` operator will return the
    # floor"), not a prediction to prove wrong.
    design = _DESIGN.search(sentence) or (forecast and _INLINE_CODE.search(sentence))
    found = {
        "normative": _NORMATIVE.search(sentence),
        "design": design,
        "prediction": forecast and not design,
        "causal": _CAUSAL.search(sentence),
        "inference": _INFERENCE.search(sentence),
        "comparison": _COMPARISON.search(sentence),
        "evaluative": _EVALUATIVE.search(sentence) or _OPINION.search(sentence),
    }
    return tuple(mark for mark in ARGUABLE_MARKS if found[mark])


_DETERMINERS = frozenset(
    "The A An This That These Those Such Every Each No His Her Their Its".split()
)


def _reported(sentence: str) -> bool:
    """Someone else's claim: "The mayor argues…", not "The claim mistakes…" (a noun)."""
    found = _REPORTED.search(sentence)
    return found is not None and found.group("who") not in _DETERMINERS


def classify(sentence: str, *, quoted: bool = False, following: str = "") -> str:
    """The kind of one sentence; `following` is the sentence after it (a rebuttal there makes
    this one a set-up)."""
    if _code(sentence):
        return "code"
    if _BOILERPLATE.search(sentence):
        return "boilerplate"
    if _CITATION.search(sentence):
        return "citation"
    own = _OPINION.search(_HEDGE.sub(",", sentence))
    if _DIALOGUE.search(sentence):
        return "narrative"
    if _NARRATION.search(sentence) and not (
        _NORMATIVE.search(sentence) or own or _JUDGEMENT.search(sentence)
    ):
        return "narrative"  # "She walked to the harbour", not "They made the mistake of …"
    if quoted and not quotable(sentence):
        return "fragment"
    if quoted:
        return "quote"
    if _asks(sentence):
        # The author's own open question ("Should we write out how the book would teach
        # it?"), or a rhetorical one: asked back to the readers when claims run short.
        return "set-up" if _SET_UP.search(sentence) or _reported(sentence) else "question"
    if not quotable(sentence):
        return "fragment"
    if _SET_UP.search(sentence) or (not own and _reported(sentence)):
        return "set-up"
    if not own and _REBUTTAL.search(following):
        return "set-up"
    if _SIGNPOST.search(sentence):
        return "plain"
    marks = arguable_marks(sentence)
    if _figure(sentence) and not own:
        return "figure"  # "…lent 26 times; after that the library must pay again": a fact
    if not marks:
        return "plain"
    if _narrated(sentence, marks):
        return "narrative"  # "Looking past it, I saw one of the windows; it was therefore…"
    weak = set(marks) <= {"evaluative", "comparison"} and not _JUDGEMENT.search(sentence)
    if weak and not own and _reports_the_past(sentence):
        return "narrative"  # "Haydn's approbation was an important link…": what happened
    return "arguable"


def _figure(sentence: str) -> bool:
    """A reported figure: a sum, a share or a count of things, not a name's version number
    ("Go 1.21 includes…", "There will not be a Go 2 that breaks Go 1 programs")."""
    for found in _FIGURE.finditer(sentence):
        named = _NAME_BEFORE.search(sentence, 0, found.start())
        if sentence[found.start()].isdigit() and named and named.group(1) not in _NOT_NAMES:
            continue
        return True
    return False


_NAME_BEFORE = re.compile(r"\b([A-Z][\w+#/.-]*)\s+$")
_NOT_NAMES = frozenset(
    """A An The In On At By Of For From To With About Around Over Under Nearly Almost Some Only
    Just Exactly Roughly Approximately More Fewer Less All Since After Before Until Between
    Below Above Of Within Per Each Every Another Those These Its Their Our His Her My Your
    We They It He She I And But Or So Yet""".split()
)


def _narrated(sentence: str, marks: tuple[str, ...]) -> bool:
    """The narrator telling what happened, in the past, with no ought, forecast, verdict or
    opinion of the present: a story's sentence whatever "because" or "therefore" it holds."""
    unhedged = _HEDGE.sub(",", _QUOTATION.sub("…", sentence))
    return (
        bool(_FIRST_PERSON_PAST.search(unhedged))
        and not _PRESENT.search(unhedged)
        and not {"normative", "prediction"} & set(marks)
        and not _JUDGEMENT.search(unhedged)
    )


def _reports_the_past(sentence: str) -> bool:
    unquoted = _HEDGE.sub(",", _QUOTATION.sub("…", sentence))
    return bool(_PAST.search(unquoted)) and not _PRESENT.search(unquoted)


def read(text: str) -> list[Sentence]:
    """Every sentence of a text with its kind and its centrality to the text."""
    found = sentences(text)
    kinds = []
    announced = -1  # the paragraph whose rest states an objection announced in it
    reporting = -1  # the paragraph that opened with a group's view ("Supporters point out…")
    for i, (sentence, quoted, paragraph) in enumerate(found):
        following = found[i + 1][0] if i + 1 < len(found) else ""
        kind = classify(sentence, quoted=quoted, following=following)
        if paragraph == announced and kind in ("arguable", "figure", "plain"):
            kind = "set-up"
        if _ANNOUNCED.search(sentence):
            announced = paragraph
        # Their view runs on ("…they found that… Hence, a function would suffice.") until the
        # author turns to answer it ("But…", "We…").
        if paragraph == reporting and _TURN.match(sentence):
            reporting = -1
        elif paragraph == reporting and kind in ("arguable", "figure", "plain"):
            kind = "set-up"
        first = i == 0 or found[i - 1][2] != paragraph
        if first and kind == "set-up" and _GROUP_VIEW.match(sentence):
            reporting = paragraph
        marks = arguable_marks(sentence) if kind == "arguable" else ()
        kinds.append((sentence, kind, marks, paragraph))
    central = centrality([s for s, *_ in kinds])
    return [
        Sentence(s, kind, marks, paragraph, central[i])
        for i, (s, kind, marks, paragraph) in enumerate(kinds)
    ]


STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either even
    ever every few for from further had has have having he her here hers herself him himself his
    how however i if in into is it its itself just last least less let like made make many may me
    might more most much must my myself neither no nor not now of off often on once one only or
    other our ours ourselves out over own per rather same shall she should since so some such
    than that the their theirs them themselves then there these they this those though through
    thus to too under until up upon us very was we were what when where whether which while who
    whom whose why will with within without would yet you your yours yourself yourselves said
    says say first second new next still always never yes well way ways thing things being
    already around another came come comes get gets got going gone good great indeed know known
    little long look looked much nothing see seen seem seems shall take taken tell told time
    times two three four five six seven eight nine ten upon went whole yet via following
    example instance case cases part order fact use used using unless although whereas
    therefore hence moreover besides""".split()
)


def words(text: str) -> list[str]:
    """Content words, lower-cased, a plural's final s dropped."""
    found = []
    for word in _WORD.findall(text):
        word = word.lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) < 3 or word in STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.append(word)
    return found


def centrality(texts: list[str]) -> list[float]:
    """Each text's cosine similarity (tf-idf, document frequency over these texts) to all of
    them together: how much of what the whole is about it carries."""
    bags = [Counter(words(t)) for t in texts]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(bags)
    idf = {w: math.log((1 + n) / (1 + d)) + 1 for w, d in df.items()}
    whole: Counter[str] = Counter()
    for bag in bags:
        whole.update(bag)
    whole_vector = {w: c * idf[w] for w, c in whole.items()}
    whole_norm = math.sqrt(sum(v * v for v in whole_vector.values())) or 1.0
    scores = []
    for bag in bags:
        vector = {w: c * idf[w] for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        dot = sum(v * whole_vector[w] for w, v in vector.items())
        scores.append(dot / (norm * whole_norm) if norm else 0.0)
    return scores


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two sentences' content words (counts)."""
    x, y = Counter(words(a)), Counter(words(b))
    dot = sum(c * y[w] for w, c in x.items())
    norm = math.sqrt(sum(c * c for c in x.values())) * math.sqrt(sum(c * c for c in y.values()))
    return dot / norm if norm else 0.0


_PHRASE_BREAK = re.compile(r"[^\w\s'’-]+")
LONG = 2000  # characters: in a longer text a single word must come back twice to be key
_VERB_LIKE = re.compile(r"(ed|ly|ing)$")  # "stopped", "quickly": not what a passage is about


def _least(phrase: str, text: str) -> int:
    """How often a phrase must occur to be key: a word thrice in a long text, twice in a short
    one; a phrase of several words twice (once says nothing: "add awareness")."""
    return 2 if " " in phrase or len(text) < LONG else 3


def key_phrases(text: str, *, count: int = 2) -> list[str]:
    """The phrases a text keeps coming back to: runs of one to three content words (no
    stopword inside) that occur at least twice, longer and more frequent first, each as it is
    most plainly written (in lower case where the text has it so)."""
    forms: dict[str, Counter[str]] = {}
    counts: Counter[str] = Counter()
    for sentence, quoted, _ in sentences(text):
        if quoted or _code(sentence) or _CITATION.search(sentence):
            continue
        for chunk in _PHRASE_BREAK.split(sentence):
            run: list[str] = []
            for token in [*chunk.split(), ""]:
                bare = token.lower().strip("'’-")
                if token and len(bare) > 2 and bare not in STOPWORDS and bare.isalpha():
                    run.append(token.strip("'’-"))
                    continue
                for size in (3, 2, 1):
                    for i in range(len(run) - size + 1):
                        phrase = " ".join(run[i : i + size])
                        key = " ".join(words(phrase))
                        if len(key.split()) == size and not _VERB_LIKE.search(key):
                            counts[key] += 1
                            forms.setdefault(key, Counter())[phrase] += 1
                run = []
    order = list(forms)
    ranked = sorted(
        (k for k, c in counts.items() if c >= _least(k, text)),
        key=lambda k: (-(counts[k] * (1 + 0.5 * (len(k.split()) - 1))), order.index(k)),
    )
    chosen: list[str] = []
    for key in ranked:
        if any(key in other or other in key for other in chosen):
            continue
        chosen.append(key)
        if len(chosen) == count:
            break
    # The plainest form: fewest capitals (a name keeps its capital; "Repeating" at the start
    # of a sentence becomes "repeating" when the text also writes it so).
    return [
        min(forms[k], key=lambda f: (sum(c.isupper() for c in f), -forms[k][f])) for k in chosen
    ]
