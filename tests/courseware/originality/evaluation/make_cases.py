"""Build the labelled evaluation set (``cases.json``) from the demo course's readings.

Run ``.venv/bin/python tests/courseware/originality/evaluation/make_cases.py`` to rebuild it;
it is deterministic (a fixed seed), and ``cases.json`` is kept in the repository so that the
set is reviewable and stable. Each case is an essay of original sentences (``FILLER``, written
for this set and checked against the readings) with passages planted in it, each labelled with
its class, how it was made (``variant``) and its true source:

- ``unattributed``: a passage copied verbatim, lightly edited (about one word in eight changed,
  added or dropped), cited but not in quotation marks, or quoted at length without a citation;
- ``quoted_cited``: a quotation (some with an ellipsis) followed by the citation of its
  paragraph;
- ``misquoted``: a cited quotation with one or two words changed;
- ``wrong_paragraph``: a verbatim quotation citing another paragraph of the same reading;
- ``peer_overlap``: in a group of essays, one essay takes a stretch of another's own sentences;
- ``paraphrase`` (negative): a passage of a reading reworded by hand (``PARAPHRASES``), which
  should not be reported as copying;
- clean essays with nothing planted;
- recall cases (``recall_cases``): passages only exact n-grams find, long quotations with one
  word changed, quotations with a word dropped, quotations edited with square brackets.

Seed excerpt 002, the student essay, is one source: it quotes a historian ("John Layer", in
the essay's spelling) — ‘Trotsky’s vision, dependent as it was upon the success of events
outside Soviet borders, could easily be made to appear defeatist.’ Those words are in none of
the other readings, so they are found only in the student essay itself. Cases take that
sentence cited to the essay (quoted and cited), cited to the thesis (wrong paragraph), quoted
with the historian named but no citation (unattributed: the words are a reading's), and the
essay handed in whole as someone's own (unattributed).
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from courseware.importers import parse_reading  # noqa: E402

HERE = Path(__file__).resolve().parent
SEED = 20260418
STUDENT_ESSAY = "student-essay-socialism-debate"
LAYER_QUOTE = (
    "Trotsky’s vision, dependent as it was upon the success of events outside Soviet borders, "
    "could easily be made to appear defeatist."
)

FILLER = [
    "The question of who would follow Lenin was never settled by a vote or a will.",
    "Historians still argue about whether ideas or organisation mattered more in this contest.",
    "In my reading, the decisive years were those between the death of Lenin and the expulsion.",
    "A student of this period has to weigh personal ambition against genuine belief.",
    "Trotsky was admired by the young and feared by the older leaders of the party.",
    "Stalin seemed dull to his rivals, and that was exactly what made him dangerous.",
    "The party apparatus rewarded loyalty, and loyalty was something Stalin could measure.",
    "Many ordinary members simply wanted calm after years of war and famine.",
    "It is easy to forget how young the Soviet state still was in those years.",
    "Zinoviev and Kamenev changed sides so often that few people trusted their judgement.",
    "Bukharin offered a gentler path, built around the peasants and the market.",
    "The arguments about industry were really arguments about who would pay for it.",
    "Foreign communists watched the quarrel in Moscow with growing unease.",
    "Nobody could yet predict the terror that would follow a decade later.",
    "My second point concerns the way speeches and newspapers shaped opinion.",
    "Control of appointments meant control of the delegates who chose the leaders.",
    "A rival who could not count votes was at a serious disadvantage.",
    "Trotsky often refused to fight in the committees where the real decisions were made.",
    "His illness at crucial moments also kept him away from important meetings.",
    "Stalin built alliances patiently and abandoned them the moment they were useless.",
    "The memory of the civil war gave the Red Army's creator real prestige.",
    "Yet prestige alone could not win a struggle fought through party procedure.",
    "Economic policy divided the leadership as sharply as any theory did.",
    "The peasants held the grain, and the grain decided whether the cities ate.",
    "Each faction accused the others of betraying what Lenin had really wanted.",
    "Lenin's testament, with its warning about Stalin, was quietly kept from the congress.",
    "That decision alone shows how much the old leaders underestimated the general secretary.",
    "Some sources are partisan, and a careful reader has to allow for their sympathies.",
    "The memoirs of exiles tell one story, and the official histories tell another.",
    "Numbers of members grew quickly, and the new recruits owed their places to the centre.",
    "To an outsider the debates looked like quarrels over words rather than policies.",
    "Underneath the words, however, were different visions of the revolution's future.",
    "Trotsky's supporters were strongest among students and some army units.",
    "Stalin's were strongest in the provincial committees that managed daily business.",
    "It would be wrong to see the outcome as inevitable from the start.",
    "Chance, illness and misjudgement all played their part in the final result.",
    "By the end of the decade the opposition had been scattered across the country.",
    "The lessons drawn from this struggle shaped Soviet politics for a generation.",
    "I conclude that organisation beat eloquence in the contest to succeed Lenin.",
    "A fair judgement must also recognise how much Trotsky contributed to his own defeat.",
    "The debates of these years were followed closely in the foreign press.",
    "Local officials learned quickly which slogans would please their superiors.",
    "Meetings were long, and the patient delegate often carried the final vote.",
    "The secret police kept files on the opposition long before any arrests began.",
    "Young workers read the speeches in factory reading rooms and argued about them.",
    "Even the calendar of congresses worked in favour of those who set the agenda.",
    "A careful essay should explain both the ideas and the machinery of power.",
    "Letters between the leaders show more doubt than their public speeches admit.",
    "Few of the men involved in the quarrel would survive the following decade.",
    "In the end the contest was settled inside the party, not in the streets.",
    "The wider public knew little about the private bargains behind each vote.",
    "Trade unions had their own view of the debate, shaped by wages and hours.",
    "Rural officials often ignored instructions that reached them from the capital.",
    "The grain crisis of the late twenties sharpened every existing disagreement.",
    "My final paragraph returns to the question of personality and leadership.",
    "Each side believed that history was on its side and acted accordingly.",
    "Party newspapers printed only the version of events that the majority approved.",
    "An honest answer admits that both men made serious mistakes along the way.",
    "The exiled leader kept writing, but fewer and fewer people were able to read him.",
    "Looking back, the warnings were there for anyone willing to see them.",
]

# Hand-written paraphrases: (reading slug, paragraph number, the reworded passage).
PARAPHRASES = [
    (
        "debate-on-foreign-policy",
        4,
        "Back in 1917 the Bolshevik leaders expected their own rising to set off others around "
        "the world, but four years later that hope had largely faded.",
    ),
    (
        "debate-on-foreign-policy",
        6,
        "The left argued that a socialist state could not survive in isolation and would only "
        "be safe when workers elsewhere had taken power too, which meant a more aggressive "
        "stance abroad.",
    ),
    (
        "cliff-lessons-of-october",
        60,
        "By this stage Trotsky's backing had collapsed entirely, even in Moscow, where roughly "
        "half of the members had stood with him the winter before.",
    ),
    (
        "cliff-lessons-of-october",
        5,
        "In late 1924 a volume of his 1917 writings was being prepared, and Trotsky opened it "
        "with a lengthy introduction that looked back at the revolution in the light of the "
        "failure in Germany.",
    ),
    (
        STUDENT_ESSAY,
        2,
        "Forcing peasants onto collective farms would have angered them, since such farms "
        "could mean smaller earnings and less freedom, and inexperienced managers might well "
        "have made the land less productive.",
    ),
    (
        STUDENT_ESSAY,
        3,
        "Stalin's call to make the country strong before looking abroad let him present "
        "himself as a patriot, while his rival's dependence on foreign revolutions looked "
        "like a counsel of despair.",
    ),
    (
        "stalin-trotsky-thesis",
        60,
        "Joining forces with Zinoviev and Kamenev was a further error, because most party "
        "members saw those two as turncoats, whereas Trotsky's honesty had never been in "
        "doubt until he stood beside them.",
    ),
    (
        "stalin-trotsky-thesis",
        30,
        "Their rivalry was personal as much as political: the two men differed in upbringing, "
        "in temper and in habits of mind, and those differences sharpened the fight for power.",
    ),
]

SYNONYMS = {
    "party": "organisation",
    "revolution": "uprising",
    "believed": "thought",
    "clear": "obvious",
    "support": "backing",
    "members": "supporters",
    "great": "large",
    "large": "big",
    "said": "stated",
    "important": "significant",
    "began": "started",
    "also": "too",
    "very": "extremely",
    "power": "authority",
    "policy": "programme",
    "country": "nation",
    "world": "globe",
    "leaders": "chiefs",
    "leadership": "command",
    "people": "population",
    "argued": "claimed",
    "position": "stance",
    "against": "versus",
    "question": "issue",
    "time": "period",
    "struggle": "fight",
    "would": "could",
    "first": "earliest",
    "new": "fresh",
    "old": "former",
}
WORD = re.compile(r"\S+")


def load_paragraphs() -> dict[str, list[str]]:
    meta = json.loads((ROOT / "fixtures/demo_course/readings.json").read_text(encoding="utf-8"))
    readings = {}
    for item in meta:
        parsed = parse_reading((ROOT / "fixtures/demo_course" / item["file"]).read_text("utf-8"))
        readings[item["slug"]] = [p.text for s in parsed.sections for p in s.paragraphs]
    return readings


def clean(text: str) -> bool:
    """A paragraph of ordinary prose (no OCR debris, no Cyrillic, no note markers)."""
    words = text.split()
    if len(words) < 30 or re.search(r"[^\x00-\x7f‘’“”–—…é]", text):
        return False
    if re.search(r"\[\d+\]|[\^¡|]", text):
        return False
    plain = sum(1 for w in words if re.fullmatch(r"[A-Za-z’'(),.;:–—-]+", w))
    return plain / len(words) > 0.95


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z‘“])", text) if s.strip()]


def passage(rng: random.Random, text: str, low: int, high: int) -> str | None:
    """A run of whole sentences of ``low``..``high`` words, else a word window of ``high``."""
    parts = sentences(text)
    options = []
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            count = len(" ".join(parts[i:j]).split())
            if low <= count <= high:
                options.append(" ".join(parts[i:j]))
    if options:
        return rng.choice(options)
    words = text.split()
    if len(words) < low:
        return None
    start = rng.randrange(0, max(1, len(words) - high))
    return " ".join(words[start : start + high])


def edit_lightly(rng: random.Random, text: str) -> str:
    """Change about one word in eight: synonyms, a dropped word, an added word."""
    words = text.split()
    edits = max(2, len(words) // 8)
    positions = sorted(rng.sample(range(2, len(words) - 2), min(edits, len(words) - 4)))
    for offset, i in enumerate(reversed(positions)):
        word = words[i]
        core = word.strip(".,;:’‘“”()").lower()
        if core in SYNONYMS:
            words[i] = word.replace(core, SYNONYMS[core]) if word.islower() else SYNONYMS[core]
        elif offset % 3 == 1:
            del words[i]
        else:
            words.insert(i, rng.choice(["really", "also", "clearly", "in fact"]))
    return " ".join(words)


def misquote(rng: random.Random, text: str) -> str:
    words = text.split()
    changed = 0
    for i in rng.sample(range(1, len(words) - 1), len(words) - 2):
        core = words[i].strip(".,;:’‘“”()").lower()
        if core in SYNONYMS and words[i].islower():
            words[i] = words[i].replace(core, SYNONYMS[core])
            changed += 1
            if changed == 2:
                break
    if not changed:
        i = rng.randrange(1, len(words) - 1)
        words[i] = "entirely"
    return " ".join(words)


class Essay:
    """An essay being assembled, with labelled spans at their character offsets."""

    def __init__(self, case_id: str, group: str | None = None):
        self.id = case_id
        self.group = group
        self.text = ""
        self.spans: list[dict] = []

    def add(self, chunk: str, *, label: dict | None = None, inner: tuple[int, int] | None = None):
        if self.text and not self.text.endswith("\n\n"):
            self.text += " "
        start = len(self.text)
        self.text += chunk
        if label is not None:
            first, last = inner if inner else (0, len(chunk))
            self.spans.append({**label, "start": start + first, "end": start + last})

    def paragraph(self):
        self.text = self.text.rstrip() + "\n\n"

    def as_json(self) -> dict:
        return {"id": self.id, "group": self.group, "text": self.text.strip(), "spans": self.spans}


def quoted(text: str, citation: str, rng: random.Random) -> tuple[str, tuple[int, int]]:
    lead = rng.choice(["As one historian puts it,", "The source says that", "We read that"])
    chunk = f"{lead} “{text}” {citation}."
    start = chunk.index("“") + 1
    return chunk, (start, start + len(text))


def build() -> list[dict]:
    rng = random.Random(SEED)
    readings = load_paragraphs()
    usable = [
        (slug, number, text)
        for slug, paragraphs in readings.items()
        for number, text in enumerate(paragraphs, start=1)
        if clean(text)
    ]
    filler = list(FILLER)
    cases: list[dict] = []

    def fill(essay: Essay, count: int, pool: list[str]):
        for _ in range(count):
            essay.add(pool.pop() if pool else rng.choice(FILLER))

    def source(slug, number):
        return {"reading": slug, "number": number}

    kinds = [
        "verbatim",
        "light_edit",
        "cited_unquoted",
        "quoted_uncited",
        "quoted_cited",
        "quoted_ellipsis",
        "misquoted",
        "wrong_paragraph",
    ]
    for n in range(120):
        pool = rng.sample(filler, 8)
        essay = Essay(f"planted-{n:02d}")
        fill(essay, 2, pool)
        for kind in rng.sample(kinds, 2):
            slug, number, text = rng.choice(usable)
            if kind in ("verbatim", "light_edit", "cited_unquoted"):
                chunk = passage(rng, text, 14, 45)
                label = {"class": "unattributed", "variant": kind, "source": source(slug, number)}
                if kind == "light_edit":
                    chunk = edit_lightly(rng, chunk)
                essay.paragraph()
                if kind == "cited_unquoted":
                    essay.add(chunk, label=label)
                    essay.text = essay.text.rstrip(".") + f" [[{slug}#p-{number}]]."
                else:
                    essay.add(chunk, label=label)
            elif kind == "quoted_uncited":
                chunk = passage(rng, text, 10, 25).rstrip(".")
                label = {"class": "unattributed", "variant": kind, "source": source(slug, number)}
                lead = "It was said that “"
                essay.add(
                    f"{lead}{chunk}”.", label=label, inner=(len(lead), len(lead) + len(chunk))
                )
            else:
                chunk = passage(rng, text, 6, 22).rstrip(".")
                cite = f"[[{slug}#p-{number}]]"
                if kind == "quoted_cited":
                    label = {"class": "quoted_cited", "variant": kind}
                elif kind == "quoted_ellipsis":
                    words = chunk.split()
                    if len(words) < 10:
                        continue
                    cut = len(words) // 3
                    chunk = " ".join(words[:cut]) + " … " + " ".join(words[cut + 2 :])
                    label = {"class": "quoted_cited", "variant": kind}
                elif kind == "misquoted":
                    chunk = misquote(rng, chunk)
                    label = {"class": "misquoted", "variant": kind}
                else:
                    others = [
                        i
                        for i, other in enumerate(readings[slug], start=1)
                        if i != number and chunk.lower() not in other.lower()
                    ]
                    cite = f"[[{slug}#p-{rng.choice(others)}]]"
                    label = {"class": "wrong_paragraph", "variant": kind}
                text_chunk, inner = quoted(chunk, cite, rng)
                essay.add(text_chunk, label={**label, "source": source(slug, number)}, inner=inner)
            fill(essay, 2, pool)
        cases.append(essay.as_json())

    for n, (slug, number, reworded) in enumerate(PARAPHRASES):
        pool = rng.sample(filler, 6)
        essay = Essay(f"paraphrase-{n:02d}")
        fill(essay, 3, pool)
        essay.paragraph()
        essay.add(
            reworded,
            label={"class": "none", "variant": "paraphrase", "source": source(slug, number)},
        )
        fill(essay, 3, pool)
        cases.append(essay.as_json())

    for n in range(10):
        pool = rng.sample(filler, 9)
        essay = Essay(f"clean-{n:02d}")
        for _ in range(3):
            fill(essay, 3, pool)
            essay.paragraph()
        cases.append(essay.as_json())

    # Peer groups: in each, the second essay takes a stretch of the first essay's sentences.
    for g in range(6):
        pool = rng.sample(filler, 21)
        first, second, third = (Essay(f"peer-{g}-{i}", group=f"peers-{g}") for i in "abc")
        shared = " ".join(pool[:3])
        for essay in (first, second):
            fill(essay, 2, pool)
            essay.paragraph()
        first.add(shared, label={"class": "peer_overlap", "variant": "peer", "peer": second.id})
        second.add(shared, label={"class": "peer_overlap", "variant": "peer", "peer": first.id})
        pool = pool[3:]
        for essay in (first, second, third):
            essay.paragraph()
            fill(essay, 3, pool)
        cases.extend(e.as_json() for e in (first, second, third))

    cases.extend(student_essay_cases(readings, rng))
    # A generator of its own, so the cases above stay as they were.
    cases.extend(recall_cases(readings, usable, random.Random(SEED + 15)))
    cases.extend(long_essay_cases(readings, random.Random(SEED + 16)))
    return cases


def normalise_lightly(rng: random.Random, words: list[str]) -> list[str]:
    """Edits that change no word: curly quotes made straight, a dash spaced, a word's case."""
    straight = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
    words = [w.translate(straight) for w in words]
    words = [w.replace("—", " - ") for w in words]
    i = rng.randrange(1, len(words))
    words[i] = words[i].capitalize() if words[i].islower() else words[i].lower()
    return words


def long_essay_cases(readings: dict[str, list[str]], rng: random.Random) -> list[dict]:
    """Cases like the scale benchmark's essays: about 450 words in the readings' own vocabulary
    (their plain words, common ones as often as the readings use them), cut into sentences of
    18 words, with a 34-word passage of a long paragraph copied into it. The sentence breaks
    put full stops inside the passage, and it is copied with the normalisation-only edits of
    ``normalise_lightly``; the passage is still the reading's (``punctuation`` variant).

    Aligned with the whole essay at once, the paragraph's many common words paired with the
    essay's all over it and the copied passage was scattered among them and missed. In the
    ``punctuation-pair`` groups two essays copy the same passage: both are copying from the
    reading, not overlap with each other.
    """
    from rapidfuzz.distance import Indel

    from courseware.originality.text import words_of

    counts: dict[str, int] = {}
    for paragraphs in readings.values():
        for text in paragraphs:
            for word in text.split():
                if re.fullmatch(r"[A-Za-z’'(),.;:–—-]+", word):  # no OCR debris
                    counts[word] = counts.get(word, 0) + 1
    vocabulary, weights = list(counts), list(counts.values())
    long_paragraphs = [
        (slug, number, text)
        for slug, paragraphs in readings.items()
        for number, text in enumerate(paragraphs, start=1)
        if len(text.split()) >= 200 and clean(text)
    ]

    def essay(case_id: str, group: str | None, slug: str, number: int, passage: list[str]):
        body = rng.choices(vocabulary, weights=weights, k=420)
        at = rng.randrange(40, len(body) - 40)
        words = body[:at] + passage + body[at:]
        text, start, end = "", 0, 0
        for i, word in enumerate(words):
            if i and i % 108 == 0:
                text = text.rstrip() + "\n\n"
            if i == at:
                start = len(text)
            text += word
            if i == at + len(passage) - 1:
                end = len(text)
            text += "." if i % 18 == 17 else ""
            text += " "
        label = {
            "class": "unattributed",
            "variant": "punctuation",
            "source": {"reading": slug, "number": number},
            "start": start,
            "end": end,
        }
        return {"id": case_id, "group": group, "text": text.strip(), "spans": [label]}

    def scattered(case: dict, slug: str, number: int) -> bool:
        """Whether the whole-essay alignment keeps no run of four of the passage's words."""
        essay_words = words_of(case["text"])
        span = case["spans"][0]
        first, last = essay_words.word_range(span["start"], span["end"])
        paragraph = words_of(readings[slug][number - 1]).words
        return not any(
            block.size >= 4 and first <= block.a < last
            for block in Indel.opcodes(essay_words.words, paragraph).as_matching_blocks()
        )

    # Only passages the whole-essay alignment scatters are kept: the others were found before.
    essays: list[dict] = []
    singles = pairs = 0
    while singles < 10 or pairs < 4:
        slug, number, text = rng.choice(long_paragraphs)
        words = text.split()
        first = rng.randrange(0, len(words) - 34)
        passage = normalise_lightly(rng, words[first : first + 34])
        if singles < 10:
            case = essay(f"punctuation-{singles:02d}", None, slug, number, passage)
            if scattered(case, slug, number):
                essays.append(case)
                singles += 1
            continue
        group = f"punctuation-pair-{pairs}"
        case = essay(f"{group}-a", group, slug, number, passage)
        if scattered(case, slug, number):
            essays.append(case)
            essays.append(essay(f"{group}-b", group, slug, number, passage))
            pairs += 1
    return essays


def recall_cases(readings: dict[str, list[str]], usable: list, rng: random.Random) -> list[dict]:
    """Cases for what a check used to miss or misclassify:

    - ``lsh_missed``: a 30-word passage with every fifth word changed, chosen so that the
      readings' LSH index does not return its paragraph (its windows are too unlike the
      source's); its runs of four identical words are still there for the exact n-grams;
    - ``long_misquote``: a cited quotation of 30–40 words with one word changed;
    - ``dropped_word``: a cited quotation with one word left out, labelled with the source words
      it was taken from (``source_text``) and the word left out (``left_out``);
    - ``bracketed``: a correct cited quotation with one word replaced by the writer's own in
      square brackets, as quotations are edited.
    """
    from courseware.originality.check import ReadingCorpus, SourceParagraph
    from courseware.originality.text import words_of

    corpus = ReadingCorpus(
        SourceParagraph(key=(slug, number), reading_slug=slug, number=number, text=text)
        for slug, paragraphs in readings.items()
        for number, text in enumerate(paragraphs, start=1)
    )
    long_enough = [(s, n, t) for s, n, t in usable if len(t.split()) >= 45]
    essays = []
    fillers = rng.sample(FILLER, len(FILLER))

    def essay_with(case_id: str, chunk: str, label: dict, inner=None, paragraph=False) -> dict:
        essay = Essay(case_id)
        essay.add(fillers[len(essays) % len(fillers)])
        essay.add(fillers[(len(essays) + 7) % len(fillers)])
        if paragraph:
            essay.paragraph()
        essay.add(chunk, label=label, inner=inner)
        if paragraph:
            essay.paragraph()
        essay.add(fillers[(len(essays) + 13) % len(fillers)])
        return essay.as_json()

    made = 0
    for slug, number, text in rng.sample(long_enough, len(long_enough)):
        if made == 12:
            break
        words = text.split()
        start = rng.randrange(0, len(words) - 30)
        chunk_words = words[start : start + 30]
        for i in range(4, len(chunk_words), 5):
            chunk_words[i] = rng.choice(["clearly", "really", "surely", "plainly"])
        chunk = " ".join(chunk_words)
        label = {
            "class": "unattributed",
            "variant": "lsh_missed",
            "source": {"reading": slug, "number": number},
        }
        case = essay_with(f"recall-lsh-{made:02d}", chunk, label, paragraph=True)
        if (slug, number) in corpus.index.candidates(words_of(case["text"]).words):
            continue  # LSH finds this one: not the case wanted
        essays.append(case)
        made += 1

    for n, (slug, number, text) in enumerate(rng.sample(long_enough, 12)):
        words = text.rstrip(".").split()
        length = rng.randint(30, 40)
        start = rng.randrange(0, max(1, len(words) - length))
        quote_words = words[start : start + length]
        i = rng.randrange(3, len(quote_words) - 3)
        quote_words[i] = "entirely" if quote_words[i].lower() != "entirely" else "wholly"
        chunk, inner = quoted(" ".join(quote_words), f"[[{slug}#p-{number}]]", rng)
        label = {
            "class": "misquoted",
            "variant": "long_misquote",
            "source": {"reading": slug, "number": number},
        }
        essays.append(essay_with(f"recall-misquote-{n:02d}", chunk, label, inner))

    n = 0
    for slug, number, text in rng.sample(long_enough, len(long_enough)):
        if n == 12:
            break
        words = text.rstrip(".").split()
        start = rng.randrange(0, len(words) - 16)
        taken = words[start : start + 14]
        i = rng.randrange(2, len(taken) - 2)
        if not re.fullmatch(r"[A-Za-z]+", taken[i]) or not all(
            re.fullmatch(r"[A-Za-z’',;]+", w) for w in taken
        ):
            continue
        left_out = taken[i]
        quote_words = taken[:i] + taken[i + 1 :]
        chunk, inner = quoted(" ".join(quote_words), f"[[{slug}#p-{number}]]", rng)
        label = {
            "class": "misquoted",
            "variant": "dropped_word",
            "source": {"reading": slug, "number": number},
            "source_text": " ".join(taken).strip(",;"),
            "left_out": left_out,
        }
        essays.append(essay_with(f"recall-dropped-{n:02d}", chunk, label, inner))
        n += 1

    n = 0
    for slug, number, text in rng.sample(long_enough, len(long_enough)):
        if n == 10:
            break
        words = text.rstrip(".").split()
        start = rng.randrange(0, len(words) - 16)
        taken = words[start : start + 14]
        if not all(re.fullmatch(r"[A-Za-z’',;]+", w) for w in taken):
            continue
        taken[0] = "[" + rng.choice(["the writer", "Trotsky", "this"]) + "]"
        chunk, inner = quoted(" ".join(taken), f"[[{slug}#p-{number}]]", rng)
        label = {
            "class": "quoted_cited",
            "variant": "bracketed",
            "source": {"reading": slug, "number": number},
        }
        essays.append(essay_with(f"recall-bracketed-{n:02d}", chunk, label, inner))
        n += 1
    return essays


def student_essay_cases(readings: dict[str, list[str]], rng: random.Random) -> list[dict]:
    """The seed student essay (002) and the historian it quotes."""
    paragraphs = readings[STUDENT_ESSAY]
    number = next(i for i, p in enumerate(paragraphs, start=1) if LAYER_QUOTE in p)
    essays = []
    whole = Essay("seed-002-handed-in-whole")
    for i, text in enumerate(paragraphs, start=1):
        whole.add(
            text,
            label={
                "class": "unattributed",
                "variant": "verbatim",
                "source": {"reading": STUDENT_ESSAY, "number": i},
            },
        )
        whole.paragraph()
    essays.append(whole.as_json())
    quote = LAYER_QUOTE.rstrip(".")
    for case_id, cite, label in (
        ("seed-002-quote-cited", f"[[{STUDENT_ESSAY}#p-{number}]]", "quoted_cited"),
        ("seed-002-quote-cited-to-thesis", "[[stalin-trotsky-thesis#p-120]]", "wrong_paragraph"),
        ("seed-002-quote-not-cited", "", "unattributed"),
    ):
        essay = Essay(case_id)
        essay.add(FILLER[0])
        essay.add(FILLER[5])
        essay.paragraph()
        chunk = f"John Layer notes that ‘{quote}’ {cite}".rstrip() + "."
        start = chunk.index("‘") + 1
        essay.add(
            chunk,
            label={
                "class": label,
                "variant": "seed_002",
                "source": {"reading": STUDENT_ESSAY, "number": number},
            },
            inner=(start, start + len(quote)),
        )
        essay.add(FILLER[38])
        essays.append(essay.as_json())
    return essays


if __name__ == "__main__":
    cases = build()
    (HERE / "cases.json").write_text(
        json.dumps(cases, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(cases)} cases, {sum(len(c['spans']) for c in cases)} labelled spans")
