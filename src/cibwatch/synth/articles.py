"""News articles: state outlets, independent outlets, intermediaries, and laundering chains.

State outlets publish talking points; intermediaries republish some of them (verbatim,
lightly reworded or as a partial passage; with or without credit); later a state outlet cites
the intermediary's article as independent confirmation. That state -> intermediary -> state
loop is a planted chain. Decoys that are not chains: intermediary reuse nobody cites back,
state outlets copying each other, independent outlets quoting a state article with credit,
and state articles citing independent reports that reuse nothing.

Articles number in the thousands (not millions), so they are built with plain Python.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import numpy as np

from cibwatch.synth.world import DAY, DAYS, HOUR, START, World, human_times

# (name, domain, language, role)
OUTLETS: tuple[tuple[str, str, str, str], ...] = (
    ("Press TV", "presstv.ir", "en", "state"),
    ("Tasnim News Agency", "tasnimnews.com", "fa", "state"),
    ("Fars News Agency", "farsnews.ir", "fa", "state"),
    ("IRNA", "irna.ir", "fa", "state"),
    ("Mehr News Agency", "mehrnews.com", "en", "state"),
    ("Kayhan", "kayhan.ir", "fa", "state"),
    ("Global Horizon Review", "globalhorizonreview.com", "en", "intermediary"),
    ("The Free Thinker Post", "freethinkerpost.net", "en", "intermediary"),
    ("Middle East Observer Daily", "meobserverdaily.org", "en", "intermediary"),
    ("Sedaye Mostaghel", "sedayemostaghel.com", "fa", "intermediary"),
    ("Azadi News", "azadinews.com", "fa", "independent"),
    ("Atlas Wire", "atlaswire.com", "en", "independent"),
    ("The Meridian Times", "meridiantimes.co.uk", "en", "independent"),
    ("Payam Weekly", "payamweekly.com", "fa", "independent"),
    ("Berlin Persian Radio", "bpr-radio.de", "fa", "independent"),
    ("Daily Ledger", "dailyledger-news.com", "en", "independent"),
)
# How each outlet lays out article URLs (default: date and slug).
URL_PATTERNS = {
    "presstv.ir": "https://www.presstv.ir/Detail/{date}/{num}/{slug}",
    "tasnimnews.com": "https://www.tasnimnews.com/fa/news/{date}/{num}/{slug}",
    "farsnews.ir": "https://www.farsnews.ir/news/{num}/{slug}",
    "irna.ir": "https://www.irna.ir/news/{num}/{slug}",
    "mehrnews.com": "https://en.mehrnews.com/news/{num}/{slug}",
    "kayhan.ir": "https://kayhan.ir/fa/news/{num}/{slug}",
    "azadinews.com": "https://www.azadinews.com/fa/{num}",
}
PER_DAY = {"state": 5.0, "intermediary": 1.2, "independent": 4.0}
OUTLET_OFFSET = {"state": (3.5,), "intermediary": (-5.0, 0.0, 1.0), "independent": (0.0, 1.0, -5.0)}

PLACES_EN = ("Tehran", "Baghdad", "Vienna", "Tirana", "Paris", "Geneva", "Kabul", "Beirut",
             "Damascus", "Brussels", "Ankara", "Moscow", "Doha", "Muscat", "New York")  # fmt: skip
PLACES_FA = ("تهران", "بغداد", "وین", "تیرانا", "پاریس", "ژنو", "کابل", "بیروت", "دمشق",
             "بروکسل", "آنکارا", "مسکو", "دوحه", "مسقط", "نیویورک")  # fmt: skip
OFFICIALS_EN = ("the foreign ministry spokesman", "the president", "the judiciary chief",
                "the parliament speaker", "the interior minister", "a senior security official",
                "the health minister", "the oil minister")  # fmt: skip
OFFICIALS_FA = ("سخنگوی وزارت خارجه", "رئیس‌جمهور", "رئیس قوه قضاییه", "رئیس مجلس",
                "وزیر کشور", "یک مقام امنیتی", "وزیر بهداشت", "وزیر نفت")  # fmt: skip
TOPICS_EN = ("sanctions", "the nuclear talks", "the MEK", "vaccine imports", "regional security",
             "the economy", "the Afghan border", "oil exports", "water shortages", "the elections")  # fmt: skip
TOPICS_FA = ("تحریم‌ها", "مذاکرات هسته‌ای", "منافقین", "واردات واکسن", "امنیت منطقه",
             "اقتصاد", "مرز افغانستان", "صادرات نفت", "کم‌آبی", "انتخابات")  # fmt: skip

STATE_EN = (
    "{off} said on {day} that Western pressure over {topic} has completely failed.",
    "Speaking in {place} on {day}, {off} stressed that the Islamic Republic will never bow to threats about {topic}.",
    "According to {off}, {num} projects linked to {topic} have been completed despite illegal sanctions.",
    "The remarks came as hostile media outlets published {num} misleading reports about {topic}.",
    "{off} described the MEK terrorist cult as a tool of foreign intelligence services operating from {place}, in remarks on {day}.",
    "Observers in {place} say the policy on {topic} has delivered tangible results for {num} families.",
    "Officials revealed that {num} agents of the MEK cult were identified in connection with {topic}.",
    "Speaking to reporters on {day}, {off} said the United States and its allies bear full responsibility for the suffering caused by {topic}.",
    "{off} added that {num} percent of citizens support the government's approach to {topic}.",
    "Analysts in {place} believe Washington's approach to {topic} has reached a dead end after {num} days of talks.",
    "The government has allocated {num} billion rials to address {topic}, {off} announced.",
    "{off} warned on {day} that the enemies of the nation would be held accountable for their actions on {topic}.",
    "A group of {num} independent experts in {place} have praised the resilience shown on {topic}.",
    "A report released in {place} documents {num} crimes committed by the MEK over four decades.",
)
STATE_FA = (
    "{off} روز {day} گفت فشار غرب در موضوع {topic} به طور کامل شکست خورده است.",
    "{off} روز {day} در {place} تاکید کرد که جمهوری اسلامی هرگز در برابر تهدید درباره {topic} کوتاه نمی‌آید.",
    "به گفته {off}، {num} طرح مرتبط با {topic} با وجود تحریم‌های ظالمانه به پایان رسیده است.",
    "این اظهارات در حالی بیان شد که رسانه‌های معاند {num} گزارش دروغ درباره {topic} منتشر کرده‌اند.",
    "{off} روز {day} گروهک تروریستی منافقین را ابزار سرویس‌های اطلاعاتی بیگانه در {place} توصیف کرد.",
    "ناظران در {place} می‌گویند سیاست دولت در زمینه {topic} نتایج ملموسی برای {num} خانواده داشته است.",
    "مقامات اعلام کردند {num} عامل وابسته به منافقین در ارتباط با {topic} شناسایی شدند.",
    "{off} روز {day} گفت آمریکا و متحدانش مسئول رنج‌های ناشی از {topic} هستند.",
    "{off} افزود {num} درصد مردم از رویکرد دولت در قبال {topic} حمایت می‌کنند.",
    "تحلیلگران در {place} معتقدند رویکرد واشنگتن در قبال {topic} پس از {num} روز مذاکره به بن‌بست رسیده است.",
    "{off} اعلام کرد دولت {num} میلیارد ریال برای رسیدگی به {topic} اختصاص داده است.",
    "{off} روز {day} هشدار داد دشمنان ملت باید پاسخگوی اقدامات خود درباره {topic} باشند.",
    "{num} کارشناس مستقل در {place} از مقاومت مردم در زمینه {topic} تمجید کرده‌اند.",
    "گزارشی که در {place} منتشر شد از {num} جنایت منافقین در چهار دهه گذشته خبر می‌دهد.",
)
INDEP_EN = (
    "Reporters in {place} were unable to independently verify claims made about {topic} on {day}.",
    "Critics say the official account of {topic} leaves many questions unanswered.",
    "Residents interviewed in {place} described mixed feelings about {topic}.",
    "Data reviewed by this newspaper suggest {num} households were affected by {topic}.",
    "Human rights groups have repeatedly raised concerns about arrests linked to {topic}.",
    "Economists caution that figures released about {topic} are difficult to check.",
    "Diplomats in {place} said talks on {topic} could resume within weeks.",
    "The statement by {off} on {day} drew a cautious response from European capitals.",
    "Opposition figures abroad dismissed the government's claims about {topic}.",
    "Prices for basic goods rose by about {num} percent over the period, according to traders.",
)
INDEP_FA = (
    "خبرنگاران در {place} نتوانستند ادعاهای مطرح شده درباره {topic} را به طور مستقل تایید کنند.",
    "منتقدان می‌گویند روایت رسمی از {topic} پرسش‌های زیادی را بی‌پاسخ گذاشته است.",
    "ساکنان {place} در گفت‌وگو با ما احساسات متفاوتی درباره {topic} داشتند.",
    "داده‌هایی که بررسی کردیم نشان می‌دهد {num} خانوار تحت تاثیر {topic} قرار گرفته‌اند.",
    "گروه‌های حقوق بشری بارها درباره بازداشت‌های مرتبط با {topic} ابراز نگرانی کرده‌اند.",
    "اقتصاددانان هشدار می‌دهند که ارقام اعلام شده درباره {topic} قابل راستی‌آزمایی نیست.",
    "دیپلمات‌ها در {place} گفتند مذاکرات درباره {topic} ممکن است طی چند هفته از سر گرفته شود.",
    "سخنان {off} در روز {day} با واکنش محتاطانه پایتخت‌های اروپایی روبه‌رو شد.",
    "چهره‌های مخالف در خارج از کشور ادعاهای دولت درباره {topic} را رد کردند.",
    "به گفته بازاریان قیمت کالاهای اساسی در این مدت حدود {num} درصد افزایش یافت.",
)
COMMENT_EN = (
    "It is time Western audiences heard the other side of the story on {topic}, {num} days on.",
    "Mainstream media have ignored the facts about {topic} since {day}.",
    "Our correspondent in {place} spoke to {num} people about {topic}.",
    "The double standards of Western governments on {topic} were plain to see in {place} on {day}.",
    "Few of the {num} commentators on {topic} are willing to ask the obvious questions.",
)
COMMENT_FA = (
    "پس از {num} روز وقت آن است که مخاطبان غربی روی دیگر ماجرای {topic} را بشنوند.",
    "رسانه‌های جریان اصلی از {day} واقعیت‌های {topic} را نادیده می‌گیرند.",
    "خبرنگار ما در {place} با {num} نفر درباره {topic} گفت‌وگو کرد.",
    "استانداردهای دوگانه دولت‌های غربی درباره {topic} روز {day} در {place} آشکار شد.",
    "از {num} تحلیلگر {topic} کمتر کسی حاضر است پرسش‌های روشن را مطرح کند.",
)
TITLES_EN = ("{Off} slams Western claims on {topic}", "New report exposes MEK role in {topic}",
             "Officials: {num} projects on {topic} completed", "What next for {topic}?",
             "{Place} talks on {topic} stall", "Questions mount over {topic}")  # fmt: skip
TITLES_FA = ("واکنش {off} به ادعاهای غرب درباره {topic}", "گزارش تازه از نقش منافقین در {topic}",
             "{num} طرح در زمینه {topic} به پایان رسید", "آینده {topic} چه می‌شود؟",
             "گفت‌وگوهای {place} درباره {topic} متوقف شد")  # fmt: skip
REWORD_EN = (("said", "stated"), ("stressed", "emphasized"), ("completely", "entirely"),
             ("officials", "authorities"), ("Officials", "Authorities"), ("never", "not ever"),
             ("believe", "think"), ("warned", "cautioned"), ("revealed", "disclosed"))  # fmt: skip
REWORD_FA = (("گفت", "اظهار داشت"), ("تاکید کرد", "خاطرنشان کرد"), ("مقامات", "مسئولان"),
             ("هرگز", "به هیچ وجه"), ("معتقدند", "بر این باورند"), ("اعلام کرد", "اعلام نمود"))  # fmt: skip
CREDIT_EN = "This article was originally published by {outlet}."
CREDIT_FA = "منبع: {outlet}"
CITEBACK_EN = (
    "According to a report by {inter}, an independent outlet, {claim}",
    "Even independent Western media now admit the truth: {inter} reported that {claim}",
)
CITEBACK_FA = (
    "به گزارش پایگاه خبری مستقل {inter}، {claim}",
    "حتی رسانه‌های مستقل نیز اذعان کردند؛ {inter} نوشت: {claim}",
)
AUTHORS_EN = ("Sarah Whitfield", "Daniel Moreau", "Tom Harrington", "Helen Park", "Marco Bellini",
              "James O'Connell", "Nadia Haddad", "Peter Lindqvist", "Anna Kowalski", "Rachel Stone",
              "Omid Farahani", "Laura Bennett", "Chris Adler", "Yusuf Demir", "Eva Novak",
              "Michael Grant", "Priya Raman", "Lucas Ferreira", "Hannah Weiss", "Samir Khoury",
              "Olivia Hart", "Jonas Berg", "Claire Dubois", "Kenji Mori")  # fmt: skip
AUTHORS_FA = ("مریم کاظمی", "رضا نوری", "سپیده رحیمی", "کامران صادقی", "لیلا احمدی", "بهروز جعفری",
              "نسرین موسوی", "فرهاد قاسمی", "شهرزاد کریمی", "مهدی شریفی", "آزاده رستمی", "کیوان مرادی",
              "ترانه فرهادی", "سعید بهرامی", "یاسمن عطایی", "حمید زمانی")  # fmt: skip


def _fill(rng: np.random.Generator, template: str, lang: str, t: int) -> str:
    fa = lang == "fa"
    off = (OFFICIALS_FA if fa else OFFICIALS_EN)[rng.integers(0, 8)]
    place = (PLACES_FA if fa else PLACES_EN)[rng.integers(0, 15)]
    return template.format(
        off=off,
        Off=off[:1].upper() + off[1:],
        place=place,
        Place=place,
        topic=(TOPICS_FA if fa else TOPICS_EN)[rng.integers(0, 10)],
        num=int(rng.integers(3, 9000)),
        day=np.datetime_as_string(np.datetime64(int(t), "s"), unit="D"),
    )


def _body(rng: np.random.Generator, pool: tuple[str, ...], lang: str, t: int, k: int) -> list[str]:
    idx = rng.choice(len(pool), size=min(k, len(pool)), replace=False)
    return [_fill(rng, pool[i], lang, t) for i in idx]


def _reword(rng: np.random.Generator, sentences: list[str], lang: str) -> list[str]:
    pairs = REWORD_FA if lang == "fa" else REWORD_EN
    out = []
    for s in sentences:
        for a, b in pairs:
            s = s.replace(a, b)
        out.append(s)
    if len(out) > 3:  # drop one sentence and swap two neighbours, as a rewrite desk would
        out.pop(int(rng.integers(1, len(out))))
        i = int(rng.integers(0, len(out) - 1))
        out[i], out[i + 1] = out[i + 1], out[i]
    return out


class _Articles:
    """Accumulates article rows as lists of Python values."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.rows: list[dict] = []
        self.counter = 0

    def add(
        self, outlet: int, author: str, t: int, title: str, sentences: list[str], links: list[str]
    ) -> int:
        name, domain, lang, role = OUTLETS[outlet]
        self.counter += 1
        num = 600000 + self.counter * 7 + int(self.rng.integers(0, 7))
        date = np.datetime_as_string(np.datetime64(int(t), "s"), unit="D").replace("-", "/")
        # Latin titles give ASCII slugs; Persian ones percent-encoded words, as real sites do.
        if lang == "fa":
            slug = quote("-".join(re.findall(r"\w+", title)[:8]))
        else:
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        pattern = URL_PATTERNS.get(domain, "https://www.{domain}/{date}/{slug}-{num}/")
        url = pattern.format(domain=domain, date=date, num=num, slug=slug or "news").replace(
            "-/", "/"
        )
        self.rows.append(
            {
                "id": f"{domain.split('.')[0]}-{num}",
                "outlet": name,
                "domain": domain,
                "url": url,
                "author": author,
                "t": int(t),
                "title": title,
                "text": " ".join(sentences),
                "links": links,
                "lang": lang,
                "role": role,
                "outlet_idx": outlet,
                "sentences": sentences,
            }
        )
        return len(self.rows) - 1


def generate_articles(world: World) -> None:
    """Fill `world.articles`, `world.chains` and `world.authors`."""
    rng = world.rng
    pool: tuple[str, ...]
    arts = _Articles(rng)
    staff: dict[int, list[tuple[str, str]]] = {}  # outlet -> [(author, author_role)]
    # Each person writes for one outlet: names are drawn without replacement per language.
    pools = {
        lang: list(rng.permutation(len(AUTHORS_FA if lang == "fa" else AUTHORS_EN)))
        for lang in ("fa", "en")
    }
    for o, (name, _domain, lang, role) in enumerate(OUTLETS):
        names = AUTHORS_FA if lang == "fa" else AUTHORS_EN
        if role == "state":
            staff[o] = [(f"{name} Staff", "state"), (f"{name} Desk", "state")]
        elif role == "intermediary":
            # Two authors per intermediary outlet carry state content; two write their own.
            staff[o] = [
                (names[pools[lang].pop()], "intermediary" if j < 2 else "independent")
                for j in range(4)
            ]
        else:
            staff[o] = [(names[pools[lang].pop()], "independent") for _ in range(3)]
    # Authors are unique per outlet; the same name at two outlets is two people.
    world.authors = [
        {"outlet": OUTLETS[o][0], "domain": OUTLETS[o][1], "outlet_role": OUTLETS[o][3],
         "author": a, "author_role": r}
        for o, lst in staff.items() for a, r in lst
    ]  # fmt: skip

    # Ordinary output of every outlet.
    for o, (_name, _domain, lang, role) in enumerate(OUTLETS):
        n = int(rng.poisson(PER_DAY[role] * DAYS * world.scale))
        # Newsrooms publish in their own daytime: state outlets on Tehran time, so an
        # operating timezone of UTC+3:30 is shared by perfectly overt accounts.
        offset = OUTLET_OFFSET[role][o % len(OUTLET_OFFSET[role])]
        times = human_times(rng, np.full(n, offset), np.zeros(n))
        times = np.sort(np.where(rng.random(n) < 0.07, times - 2 * DAY, times))
        if role == "state":
            pool = STATE_FA if lang == "fa" else STATE_EN
        elif role == "independent":
            pool = INDEP_FA if lang == "fa" else INDEP_EN
        else:
            pool = COMMENT_FA if lang == "fa" else COMMENT_EN
        titles = TITLES_FA if lang == "fa" else TITLES_EN
        authors = [a for a, r in staff[o] if r != "intermediary"] or [staff[o][0][0]]
        for t in times.tolist():
            title = _fill(rng, titles[rng.integers(0, len(titles))], lang, t)
            k = int(rng.integers(4, 8)) if role != "intermediary" else 4
            arts.add(
                o,
                authors[rng.integers(0, len(authors))],
                t,
                title,
                _body(rng, pool, lang, t, k),
                [],
            )

    base = list(range(len(arts.rows)))
    state = [
        i
        for i in base
        if arts.rows[i]["role"] == "state" and arts.rows[i]["t"] < START + (DAYS - 8) * DAY
    ]
    rng.shuffle(state)
    n_chain = world.n(40, 8)
    n_uncited = world.n(15, 4)
    chains: list[dict] = []
    inter_outlets = [o for o, x in enumerate(OUTLETS) if x[3] == "intermediary"]
    state_outlets = [o for o, x in enumerate(OUTLETS) if x[3] == "state"]
    used = 0
    turns: dict[str, int] = {}
    for c in range(n_chain + n_uncited):
        s = arts.rows[state[used]]
        used += 1
        same_lang = [o for o in inter_outlets if OUTLETS[o][2] == s["lang"]]
        # Round-robin over outlets and their intermediary authors: every one of them carries
        # state content, so "intermediary" in authors_truth.csv is earned, not just assigned.
        turn = turns.get(s["lang"], 0)
        turns[s["lang"]] = turn + 1
        io = same_lang[turn % len(same_lang)]
        authors = [a for a, r in staff[io] if r == "intermediary"]
        author = authors[(turn // len(same_lang)) % len(authors)]
        t_i = s["t"] + int(rng.integers(3 * HOUR, 48 * HOUR))
        reuse = ("verbatim", "reworded", "partial")[int(rng.choice(3, p=[0.35, 0.4, 0.25]))]
        if reuse == "verbatim":
            sentences = list(s["sentences"])
        elif reuse == "reworded":
            sentences = _reword(rng, s["sentences"], s["lang"])
        else:
            k = min(3, len(s["sentences"]))
            j = int(rng.integers(0, len(s["sentences"]) - k + 1))
            pool = COMMENT_FA if s["lang"] == "fa" else COMMENT_EN
            own = _body(rng, pool, s["lang"], t_i, 3)
            sentences = own[:1] + s["sentences"][j : j + k] + own[1:]
        if s["lang"] == "fa" and rng.random() < 0.5:
            # Republished through another CMS: Arabic yeh/kaf and ZWNJ lost, same words.
            sentences = [
                x.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ") for x in sentences
            ]
        credited = bool(rng.random() < 0.4)
        links = []
        if credited:
            credit = CREDIT_FA if s["lang"] == "fa" else CREDIT_EN
            sentences = [*sentences, credit.format(outlet=s["outlet"])]
            links = [s["url"]]
        title = (
            s["title"]
            if reuse == "verbatim"
            else _fill(
                rng,
                (TITLES_FA if s["lang"] == "fa" else TITLES_EN)[rng.integers(0, 5)],
                s["lang"],
                t_i,
            )
        )
        i = arts.add(io, author, t_i, title, sentences, links)
        if c >= n_chain:
            continue  # reused but never cited back: not a chain
        same = [o for o in state_outlets if OUTLETS[o][2] == s["lang"]]
        co = s["outlet_idx"] if rng.random() < 0.6 else same[rng.integers(0, len(same))]
        t_c = t_i + int(rng.integers(12 * HOUR, 120 * HOUR))
        inter = arts.rows[i]
        claim = inter["sentences"][1 if len(inter["sentences"]) > 1 else 0]
        tmpl = (CITEBACK_FA if s["lang"] == "fa" else CITEBACK_EN)[rng.integers(0, 2)]
        pool = STATE_FA if s["lang"] == "fa" else STATE_EN
        body = [
            tmpl.format(inter=inter["outlet"], claim=claim),
            *_body(rng, pool, s["lang"], t_c, 3),
        ]
        title = _fill(rng, (TITLES_FA if s["lang"] == "fa" else TITLES_EN)[0], s["lang"], t_c)
        # Most citebacks link the intermediary; some only name it.
        named_only = bool(rng.random() < 0.3)
        cb = arts.add(co, staff[co][0][0], t_c, title, body, [] if named_only else [inter["url"]])
        chains.append(
            {
                "chain_id": f"chain-{len(chains) + 1:03d}",
                "state_id": s["id"],
                "intermediary_id": inter["id"],
                "citeback_id": arts.rows[cb]["id"],
                "credited": credited,
                "citeback_links": not named_only,
                "reuse": reuse,
                "lang": s["lang"],
                "intermediary_outlet": inter["outlet"],
                "intermediary_author": author,
                "gap1_hours": round((t_i - s["t"]) / HOUR, 2),
                "gap2_hours": round((t_c - t_i) / HOUR, 2),
            }
        )

    # Decoys. A state outlet citing an intermediary's own commentary (nothing of its reused).
    inter_rows = [i for i in base if arts.rows[i]["role"] == "intermediary"]
    for _ in range(world.n(8, 2)):
        r = arts.rows[inter_rows[rng.integers(0, len(inter_rows))]]
        same = [o for o in state_outlets if OUTLETS[o][2] == r["lang"]]
        o = same[rng.integers(0, len(same))]
        t = r["t"] + int(rng.integers(6 * HOUR, 72 * HOUR))
        pool = STATE_FA if r["lang"] == "fa" else STATE_EN
        cite = (CITEBACK_FA if r["lang"] == "fa" else CITEBACK_EN)[1]
        body = [
            cite.format(inter=r["outlet"], claim=r["sentences"][0]),
            *_body(rng, pool, r["lang"], t, 3),
        ]
        arts.add(o, staff[o][0][0], t, r["title"], body, [r["url"]])
    # The other direction: a state outlet copies an intermediary's piece and links it. The
    # reuse runs intermediary -> state, so there is no chain.
    for _ in range(world.n(6, 2)):
        r = arts.rows[inter_rows[rng.integers(0, len(inter_rows))]]
        same = [o for o in state_outlets if OUTLETS[o][2] == r["lang"]]
        o = same[rng.integers(0, len(same))]
        t = r["t"] + int(rng.integers(2 * HOUR, 48 * HOUR))
        arts.add(
            o,
            staff[o][1][0],
            t,
            r["title"],
            [
                *r["sentences"],
                (CREDIT_FA if r["lang"] == "fa" else CREDIT_EN).format(outlet=r["outlet"]),
            ],
            [r["url"]],
        )
    # State outlets copying each other (not laundering through an intermediary).
    for _ in range(world.n(15, 3)):
        s = arts.rows[state[used]]
        used += 1
        same = [o for o in state_outlets if OUTLETS[o][2] == s["lang"] and o != s["outlet_idx"]]
        o = same[rng.integers(0, len(same))]
        arts.add(
            o,
            staff[o][1][0],
            s["t"] + int(rng.integers(HOUR, 12 * HOUR)),
            s["title"],
            list(s["sentences"]),
            [],
        )
    # Independent outlets quoting one state sentence with credit and a link.
    indep = [o for o, x in enumerate(OUTLETS) if x[3] == "independent"]
    for _ in range(world.n(10, 3)):
        s = arts.rows[state[used]]
        used += 1
        same = [o for o in indep if OUTLETS[o][2] == s["lang"]]
        o = same[rng.integers(0, len(same))]
        t = s["t"] + int(rng.integers(HOUR, 24 * HOUR))
        pool = INDEP_FA if s["lang"] == "fa" else INDEP_EN
        body = [*_body(rng, pool, s["lang"], t, 4), s["sentences"][0]]
        arts.add(
            o,
            staff[o][0][0],
            t,
            _fill(rng, (TITLES_FA if s["lang"] == "fa" else TITLES_EN)[3], s["lang"], t),
            body,
            [s["url"]],
        )
    # State articles citing an independent report that reuses nothing of theirs.
    indep_rows = [i for i in base if arts.rows[i]["role"] == "independent"]
    for _ in range(world.n(10, 3)):
        r = arts.rows[indep_rows[rng.integers(0, len(indep_rows))]]
        same = [o for o in state_outlets if OUTLETS[o][2] == r["lang"]]
        o = same[rng.integers(0, len(same))]
        t = r["t"] + int(rng.integers(6 * HOUR, 72 * HOUR))
        pool = STATE_FA if r["lang"] == "fa" else STATE_EN
        body = [
            (CITEBACK_FA if r["lang"] == "fa" else CITEBACK_EN)[0].format(
                inter=r["outlet"], claim=r["sentences"][0]
            ),
            *_body(rng, pool, r["lang"], t, 3),
        ]
        arts.add(o, staff[o][0][0], t, r["title"], body, [r["url"]])

    rows = sorted(arts.rows, key=lambda r: (r["t"], r["id"]))
    world.articles = {
        key: [r[key] for r in rows]
        for key in (
            "id",
            "outlet",
            "domain",
            "url",
            "author",
            "t",
            "title",
            "text",
            "links",
            "lang",
            "role",
        )
    }
    world.articles["t"] = np.array(world.articles["t"], dtype=np.int64)
    world.chains = {key: [c[key] for c in chains] for key in (chains[0] if chains else {})}
    world.plant(
        group="laundering",
        label="chains",
        size=len(chains),
        detail=f"{len(rows)} articles, {len(chains)} chains, {n_uncited} uncited reuses",
    )
