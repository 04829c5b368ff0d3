"""Text for the synthetic world: English and real Persian vocabularies, names, and variation.

Ordinary posts are composed from parts (opener, subject, predicate, detail, closer) so that two
unrelated people rarely write the same sentence. Operations post templates varied the way
copy-paste networks vary them: emoji, hashtag order, mentions, punctuation, ZWNJ written as a
space or dropped, Arabic ي/ك for Persian ی/ک, and (for the patient operation) hand-written
paraphrases. Everything is vectorized over Arrow string arrays.
"""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cibwatch.synth.world import cat, choose, pick, when

ZWNJ = "\u200c"

# ---- ordinary people ------------------------------------------------------------------------

FA_OPENERS = (
    "", "", "", "واقعا ", "به نظرم ", "امروز ", "راستش ", "خدایی ", "دوستان ", "باورم نمی‌شه ",
    "هنوزم ", "بچه‌ها ", "یعنی ", "اصلا ", "آخرش ", "امشب ",
)  # fmt: skip
FA_SUBJECTS = (
    "قیمت دلار", "هوای تهران", "ترافیک همت", "بازی پرسپولیس", "کنکور امسال", "اینترنت خونه",
    "کلاس آنلاین", "واکسن دوم", "قیمت مرغ", "اجاره‌خونه", "سریال جدید", "کتابی که می‌خونم",
    "کافه‌ی سر کوچه", "تیم ملی", "صف بنزین", "دانشگاه", "کار جدیدم", "مترو", "قطعی برق",
    "کم‌آبی", "استقلال", "فیلترشکن", "قیمت خودرو", "گربه‌ی همسایه", "مامانم", "امتحان فردا",
    "آهنگ جدید چاوشی", "سفر شمال", "بورس", "نون سنگک",
)  # fmt: skip
FA_PREDICATES = (
    "دیگه قابل تحمل نیست", "خیلی عالی بود", "باز هم گرون شد", "منو یاد بچگی انداخت",
    "از دیروز قطعه", "بهتر از انتظارم بود", "یه فاجعه‌ست", "کلی خندیدم", "حوصله‌م رو سر برد",
    "رو اعصابمه", "خیلی دلم براش تنگ شده", "هیچ‌وقت درست نمی‌شه", "معرکه بود", "شوخیه؟",
    "عجیب غریب شده", "داره دیوونه‌م می‌کنه", "یه نعمته", "از صبح ذهنمو درگیر کرده",
    "ارزششو داشت", "نصفه‌نیمه موند",
)  # fmt: skip
FA_DETAILS = (
    "", "", "", "", "", " از ساعت هشت", " این هفته", " دوباره", " بعد از دو سال", " با بچه‌ها",
    " تو این گرما", " وسط امتحانا", " مثل همیشه", " از اول مهر", " توی محله‌ی ما",
    " یه ذره", " کلا", " اونم با این حقوق", " تازه", " طبق معمول", " از ساعت ۸ صبح",
    " ساعت ۱۱ شب", " بعد از ۳ ماه", " با ۲۰۰ هزار تومن",
)  # fmt: skip
EN_OPENERS = (
    "", "", "", "Honestly ", "Ok so ", "Today ", "Not gonna lie, ", "Wow, ", "Lol ", "Still think ",
    "Friendly reminder: ", "So apparently ", "Tbh ", "Just saying, ", "Update: ",
)  # fmt: skip
EN_SUBJECTS = (
    "the commute", "my coffee", "the new season", "this weather", "the rent", "my cat",
    "the game last night", "this playlist", "the landlord", "work", "the train", "gas prices",
    "my sister", "this book", "the vaccine line", "the wifi", "the group chat", "my garden",
    "the election coverage", "the football", "pizza night", "the new phone", "my inbox",
    "the gym", "this city",
)  # fmt: skip
EN_PREDICATES = (
    "is out of control", "made my day", "is a whole mood", "was worth it", "is broken again",
    "needs to chill", "is underrated", "is getting worse", "was hilarious", "hit different",
    "is overpriced", "will never change", "is a blessing", "is stressing me out",
    "surprised me", "is back", "went sideways", "is everything",
)  # fmt: skip
EN_DETAILS = (
    "", "", "", "", "", " again", " this week", " since Monday", " at 7am", " with the kids",
    " after two years", " as usual", " in this heat", " for real", " somehow", " lately",
)  # fmt: skip
CLOSERS = ("", "", "", "!", "?", "...", " 😂", " 😔", " 🙏", " ❤️", " 🤦", " 😅", " 👏", "!!")

REPLIES_FA = (
    "دقیقا", "موافقم", "نه بابا", "چه جالب", "حق با توئه", "منم همینطور", "😂😂", "مرسی",
    "کجا؟", "خیلی خوب گفتی", "اینو قبول ندارم", "جدی؟",
)  # fmt: skip
REPLIES_EN = (
    "exactly", "agreed", "no way", "this!!", "same here", "lol", "thanks!", "source?",
    "so true", "I disagree", "wait what", "100%",
)  # fmt: skip

FA_FIRST = (
    "سارا", "علی", "رضا", "مریم", "محمد", "زهرا", "حسین", "نگار", "امیر", "فاطمه", "مهدی",
    "نرگس", "پویا", "شیرین", "بهرام", "لیلا", "آرش", "مینا", "کاوه", "الهام", "سینا", "پریسا",
)  # fmt: skip
FA_LAST = (
    "", "", "رضایی", "محمدی", "حسینی", "احمدی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی",
    "نوری", "کاظمی", "تهرانی", "شریفی", "قاسمی",
)  # fmt: skip
LATIN_FIRST = (
    "sara", "ali", "reza", "maryam", "mohammad", "zahra", "hossein", "negar", "amir", "sina",
    "john", "emma", "david", "laura", "mike", "anna", "james", "sophie", "omar", "leila",
    "arash", "mina", "kaveh", "parisa", "daniel", "nina", "tom", "julia", "babak", "shirin",
)  # fmt: skip
LATIN_LAST = (
    "rezaei", "mohammadi", "hosseini", "ahmadi", "karimi", "smith", "jones", "brown", "miller",
    "tehrani", "sharifi", "nouri", "kazemi", "wilson", "taylor", "garcia", "moradi", "jafari",
)  # fmt: skip
BIOS_FA = (
    "", "", "", "عاشق کتاب و قهوه", "دانشجوی مهندسی", "مادر، معلم", "عکاس آماتور", "فوتبالی",
    "برنامه‌نویس", "زندگی جریان دارد", "پرستار", "ورزشکار", "طراح گرافیک", "روزنامه‌نگار آزاد",
)  # fmt: skip
BIOS_EN = (
    "", "", "", "coffee, books, cats", "engineer. opinions my own", "dad of two", "runner",
    "PhD student", "music lover", "photographer", "nurse", "writer", "football fan",
)  # fmt: skip
CLIENTS = (
    "Twitter for Android", "Twitter for iPhone", "Twitter Web App", "Twitter for iPad",
    "TweetDeck", "Twitter for Android", "Twitter for iPhone",
)  # fmt: skip
CLIENT_WEIGHTS = np.array([0.34, 0.30, 0.22, 0.04, 0.02, 0.04, 0.04])

# Texts ordinary people copy and paste to each other over a day (no one schedules them).
COPYPASTA = (
    "اگه تو هم از قطعی برق خسته شدی این متنو کپی کن و بفرست",
    "هر کس این پیامو دید برای سلامتی مادرش یه صلوات بفرسته",
    "Copy and paste this if you also think teachers deserve better pay",
    "RT if your internet died three times today. Iran deserves better",
    "یادمون نره امروز روز معلمه، از معلم‌های خوب زندگیمون تشکر کنیم",
)

# Hashtags that trend among ordinary people; one set per day is drawn from these.
TRENDING = (
    "ایران", "تهران", "کرونا", "واکسن", "فوتبال", "پرسپولیس", "استقلال", "اینترنت", "بنزین",
    "دلار", "Iran", "COVID19", "Afghanistan", "football", "Tehran", "vaccine", "climate",
    "music", "MondayMotivation", "Persepolis", "قطعی_برق", "کم_آبی", "فیلترینگ", "کنکور",
)  # fmt: skip


def organic_text(rng: np.random.Generator, persian: np.ndarray) -> pa.Array:
    """One ordinary post per row, Persian where `persian` is true."""
    n = len(persian)
    fa = cat(
        pick(FA_OPENERS, rng.integers(0, len(FA_OPENERS), n)),
        pick(FA_SUBJECTS, rng.integers(0, len(FA_SUBJECTS), n)),
        " ",
        pick(FA_PREDICATES, rng.integers(0, len(FA_PREDICATES), n)),
        pick(FA_DETAILS, rng.integers(0, len(FA_DETAILS), n)),
        pick(CLOSERS, rng.integers(0, len(CLOSERS), n)),
    )
    en = cat(
        pick(EN_OPENERS, rng.integers(0, len(EN_OPENERS), n)),
        pick(EN_SUBJECTS, rng.integers(0, len(EN_SUBJECTS), n)),
        " ",
        pick(EN_PREDICATES, rng.integers(0, len(EN_PREDICATES), n)),
        pick(EN_DETAILS, rng.integers(0, len(EN_DETAILS), n)),
        pick(CLOSERS, rng.integers(0, len(CLOSERS), n)),
    )
    # People write Persian with ZWNJ, with a space, or glued; some keyboards give Arabic letters.
    fa = letter_variants(rng, fa, p_space=0.25, p_glue=0.1, p_arabic=0.06)
    return when(persian, fa, en)


def reply_text(rng: np.random.Generator, persian: np.ndarray) -> pa.Array:
    n = len(persian)
    return when(
        persian,
        pick(REPLIES_FA, rng.integers(0, len(REPLIES_FA), n)),
        pick(REPLIES_EN, rng.integers(0, len(REPLIES_EN), n)),
    )


def letter_variants(
    rng: np.random.Generator,
    text: pa.Array,
    p_space: float = 0.2,
    p_glue: float = 0.1,
    p_arabic: float = 0.1,
) -> pa.Array:
    """ZWNJ kept, written as a space, or dropped; Persian ی/ک sometimes typed as Arabic ي/ك."""
    n = len(text)
    mode = rng.choice(3, n, p=[1 - p_space - p_glue, p_space, p_glue])
    text = choose(
        mode,
        text,
        pc.replace_substring(text, ZWNJ, " "),
        pc.replace_substring(text, ZWNJ, ""),
    )
    arabic = pc.replace_substring(pc.replace_substring(text, "ی", "ي"), "ک", "ك")
    return when(rng.random(n) < p_arabic, arabic, text)


# ---- names and handles ----------------------------------------------------------------------


def person_names(rng: np.random.Generator, persian: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """(display name, handle stem) per row; Persian-script display names for Persian users."""
    n = len(persian)
    fi = rng.integers(0, len(LATIN_FIRST), n)
    li = rng.integers(0, len(LATIN_LAST), n)
    latin_display = cat(
        pc.utf8_capitalize(pick(LATIN_FIRST, fi)), " ", pc.utf8_capitalize(pick(LATIN_LAST, li))
    )
    fa_display = cat(
        pick(FA_FIRST, rng.integers(0, len(FA_FIRST), n)),
        " ",
        pick(FA_LAST, rng.integers(0, len(FA_LAST), n)),
    )
    fa_display = pc.utf8_trim_whitespace(fa_display)
    display = when(persian & (rng.random(n) < 0.7), fa_display, latin_display)
    style = rng.integers(0, 5, n)
    stem = choose(
        style,
        cat(pick(LATIN_FIRST, fi), "_", pick(LATIN_LAST, li)),
        cat(pick(LATIN_FIRST, fi), pick(LATIN_LAST, li)),
        cat(pick(LATIN_FIRST, fi), "_", pick(("x", "real", "the", "official", "z"), li % 5)),
        cat(pc.utf8_capitalize(pick(LATIN_FIRST, fi)), pc.utf8_capitalize(pick(LATIN_LAST, li))),
        cat(pick(LATIN_LAST, li), pick(LATIN_FIRST, fi)),
    )
    return display, stem


def unique_handles(stems: pa.Array, rng: np.random.Generator, digits_p: float) -> pa.Array:
    """Handles from stems, some with digits, made unique by suffixing duplicates."""
    n = len(stems)
    digits = pc.cast(pa.array(rng.integers(1, 9999, n)), pa.string())
    h = when(rng.random(n) < digits_p, cat(stems, digits), stems)
    values = np.array(h.to_pylist(), dtype=object)
    _, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    dup = first[inverse] != np.arange(n)
    if dup.any():
        values[dup] = [f"{v}{i}" for v, i in zip(values[dup], np.flatnonzero(dup), strict=True)]
    return pa.array(values.tolist(), pa.string())


# ---- variation of an operation's templates -------------------------------------------------


def _combos(items: tuple[str, ...], sizes: tuple[int, ...]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for k in sizes:
        out.extend(itertools.permutations(items, k))
    return out


def tag_lists(combos: list[tuple[str, ...]], idx: np.ndarray) -> pa.Array:
    return pa.array([list(c) for c in combos], pa.list_(pa.string())).take(
        pa.array(np.asarray(idx, dtype=np.int64))
    )


def varied(
    rng: np.random.Generator,
    base: pa.Array,
    hashtags: tuple[str, ...],
    mentions: tuple[str, ...] = (),
    *,
    emoji: tuple[str, ...] = ("", "", " 🇮🇷", " ✌️", " 👇", " 🔥", " ‼️", " 💯"),
    punct: tuple[str, ...] = ("", ".", "!", "!!", " ...", "؟!"),
    tag_sizes: tuple[int, ...] = (1, 2, 3),
    p_mention: float = 0.4,
    p_arabic: float = 0.15,
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Copy-paste variants of `base`: (text, hashtags in order of appearance, mentions).

    Hashtags are drawn as ordered subsets (so their order varies), placed before or after
    the text; mentions lead or trail; emoji and punctuation vary; Persian spelling varies.
    """
    n = len(base)
    body = letter_variants(rng, base, p_space=0.3, p_glue=0.15, p_arabic=p_arabic)
    body = cat(body, pick(punct, rng.integers(0, len(punct), n)))
    body = cat(body, pick(emoji, rng.integers(0, len(emoji), n)))
    tcombos = _combos(hashtags, tag_sizes)
    tci = rng.integers(0, len(tcombos), n)
    tag_text = pick([" ".join("#" + t for t in c) for c in tcombos], tci)
    tags = tag_lists(tcombos, tci)
    text = when(rng.random(n) < 0.75, cat(body, " ", tag_text), cat(tag_text, " ", body))
    if mentions:
        mcombos = [()] + _combos(mentions, (1, 2))
        use = rng.random(n) < p_mention
        mci = np.where(use, rng.integers(1, len(mcombos), n), 0)
        mtext = pick([" ".join("@" + m for m in c) for c in mcombos], mci)
        lead = rng.random(n) < 0.5
        text = when(use, when(lead, cat(mtext, " ", text), cat(text, " ", mtext)), text)
        ments = tag_lists(mcombos, mci)
    else:
        ments = tag_lists([()], np.zeros(n, dtype=np.int64))
    return text, tags, ments
