"""Small article worlds for the laundering tests: rows written straight into a workspace.

Texts are hand-written (English and Persian) so a test can say exactly which passage was
copied, reworded or merely reported on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from cibwatch.store import Workspace
from cibwatch.text import normalize
from cibwatch.urls import normalize_url, registered_domain

T0 = datetime(2021, 9, 1, 8, 0, 0)

STATE_EN = [
    "The foreign ministry spokesman said on Monday that Western pressure over the nuclear file has completely failed.",
    "He stressed that the Islamic Republic will never bow to the excessive demands of Washington and its European allies.",
    "According to the spokesman, more than 120 industrial projects were completed in the border provinces despite illegal sanctions.",
    "He described the MEK terrorist cult as a tool of foreign intelligence services operating from a camp in Albania.",
    "The remarks came as hostile media outlets continued a coordinated campaign of lies against the Iranian nation.",
    "Analysts in Tehran believe that the maximum pressure policy of the United States has reached a complete dead end.",
    "Officials revealed that 46 agents linked to the cult were identified in three provinces during the past month.",
]
# The same article after a rewrite desk: words swapped for synonyms, one sentence dropped, two
# neighbours swapped.
REWORDED_EN = [
    "The foreign ministry spokesman stated on Monday that Western pressure over the nuclear file has entirely failed.",
    "According to the spokesman, more than 120 industrial projects were completed in the border provinces despite illegal sanctions.",
    "He emphasized that the Islamic Republic will not ever bow to the excessive demands of Washington and its European allies.",
    "He described the MEK terrorist cult as a tool of foreign intelligence services operating from a camp in Albania.",
    "Analysts in Tehran think that the maximum pressure policy of the United States has reached a complete dead end.",
    "Authorities disclosed that 46 agents linked to the cult were identified in three provinces during the past month.",
]
OWN_EN = [
    "It is time Western audiences heard the other side of the story for once.",
    "Mainstream media have ignored these facts for far too long, our editors believe.",
    "Few commentators in London are willing to ask the obvious questions about any of this.",
    "Readers can judge for themselves whether the sanctions regime has achieved anything at all.",
]
# An independent report on the same press conference: same names, places and numbers, its own
# words.
REPORT_EN = [
    "Iran's foreign ministry spokesman told reporters on Monday that sanctions had not worked, a claim diplomats in Vienna disputed.",
    "He gave a figure of 120 industrial projects in border provinces, which could not be independently verified.",
    "The spokesman again attacked the exiled opposition group MEK, whose members live in a camp in Albania.",
    "Human rights groups say dozens of people accused of links to the group were detained in recent weeks.",
    "European officials said talks on the nuclear file could resume within weeks if both sides show flexibility.",
]
STATE_FA = [
    "سخنگوی وزارت امور خارجه روز دوشنبه در نشست خبری هفتگی گفت فشارهای غرب در پرونده هسته‌ای به طور کامل شکست خورده است.",
    "وی افزود که جمهوری اسلامی ایران هرگز در برابر زیاده‌خواهی‌های آمریکا و متحدان اروپایی‌اش سر تسلیم فرود نمی‌آورد.",
    "به گفته این مقام، بیش از ۱۲۰ طرح صنعتی با وجود تحریم‌های ظالمانه در استان‌های مرزی به بهره‌برداری رسیده است.",
    "او همچنین گروهک تروریستی منافقین را ابزار سرویس‌های اطلاعاتی بیگانه در آلبانی توصیف کرد.",
    "سخنگوی دستگاه دیپلماسی در پایان تاکید کرد که رسانه‌های معاند کارزار هماهنگی از دروغ‌پراکنی را علیه ملت ایران آغاز کرده‌اند.",
    "کارشناسان در تهران معتقدند سیاست فشار حداکثری واشنگتن به بن‌بست کامل رسیده است.",
]
OWN_FA = [
    "وقت آن است که مخاطبان غربی روی دیگر این ماجرا را هم بشنوند.",
    "رسانه‌های جریان اصلی مدت‌هاست این واقعیت‌ها را نادیده می‌گیرند.",
    "خبرنگار ما در لندن با چند نفر از ایرانیان مقیم این شهر گفت‌وگو کرد.",
]


def copy_fa(sentences: list[str]) -> list[str]:
    """A Persian copy typed differently: Arabic yeh and kaf, spaces for ZWNJ, ASCII digits."""
    return [
        s.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ").replace("۱۲۰", "120")
        for s in sentences
    ]


def article(
    aid: str,
    domain: str,
    outlet: str,
    hours: float,
    sentences: list[str],
    *,
    author: str | None = None,
    links: list[str] | None = None,
    lang: str = "en",
) -> dict:
    return {
        "id": aid,
        "outlet": outlet,
        "domain": domain,
        "url": f"https://www.{domain}/news/{aid}",
        "author": author or f"{outlet} Staff",
        "published_at": T0 + timedelta(hours=hours),
        "title": sentences[0][:60],
        "text": " ".join(sentences),
        "links": links or [],
        "lang": lang,
    }


def url_of(a: dict) -> str:
    return a["url"]


def workspace(path: Path, rows: list[dict]) -> Workspace:
    """A workspace holding exactly `rows` (articles and their links)."""
    ws = Workspace(path)
    for i, r in enumerate(rows, 1):
        ws.con.execute(
            """
            INSERT INTO articles (article_id, native_id, outlet, domain, url, url_norm, author,
                                  published_at, title, text, text_norm, lang)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                i,
                r["id"],
                r["outlet"],
                r["domain"],
                r["url"],
                normalize_url(r["url"]),
                r["author"],
                r["published_at"],
                r["title"],
                r["text"],
                normalize(r["text"]),
                r["lang"],
            ],
        )
        for link in r["links"]:
            ws.con.execute(
                "INSERT INTO article_links VALUES (?, ?, ?, ?)",
                [i, link, normalize_url(link), registered_domain(urlsplit(link).hostname)],
            )
    return ws
