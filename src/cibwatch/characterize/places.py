"""A small gazetteer: countries and main cities in English, Persian and Arabic, with UTC offsets.

Used to read declared profile locations (and compare them with the timezone inferred from
activity) and to count the places posts talk about. Offsets are standard time (no daylight
saving), so a comparison tolerates an hour; a country spanning several zones gets its capital's.
Names are matched after cibwatch.text.normalize, so Arabic and Persian spellings of ی and ک
meet; keep each name at least 3 characters to avoid matching inside words.
"""

from __future__ import annotations

import re
from functools import cache

# region -> (UTC offset in hours, names)
PLACES: dict[str, tuple[float, tuple[str, ...]]] = {
    "Iran": (3.5, ("iran", "tehran", "ایران", "تهران", "اصفهان", "مشهد", "شیراز", "تبریز", "إيران", "طهران")),
    "Iraq": (3.0, ("iraq", "baghdad", "عراق", "بغداد", "العراق")),
    "Syria": (3.0, ("syria", "damascus", "سوریه", "سوريا", "دمشق")),
    "Lebanon": (2.0, ("lebanon", "beirut", "لبنان", "بيروت", "بیروت")),
    "Israel": (2.0, ("israel", "tel aviv", "jerusalem", "اسرائیل", "اسراییل", "إسرائيل", "تل آویو", "قدس", "القدس")),
    "Palestine": (2.0, ("palestine", "gaza", "فلسطین", "فلسطين", "غزه", "غزة")),
    "Saudi Arabia": (3.0, ("saudi", "riyadh", "عربستان", "السعودية", "الرياض", "ریاض")),
    "Yemen": (3.0, ("yemen", "sanaa", "یمن", "اليمن", "صنعاء")),
    "Bahrain": (3.0, ("bahrain", "بحرین", "البحرين")),
    "Qatar": (3.0, ("qatar", "doha", "قطر", "الدوحة")),
    "United Arab Emirates": (4.0, ("uae", "dubai", "abu dhabi", "امارات", "الإمارات", "دبی", "دبي")),
    "Azerbaijan": (4.0, ("azerbaijan", "baku", "آذربایجان", "باکو", "أذربيجان")),
    "Afghanistan": (4.5, ("afghanistan", "kabul", "افغانستان", "کابل")),
    "Pakistan": (5.0, ("pakistan", "islamabad", "karachi", "lahore", "پاکستان", "باكستان")),
    "India": (5.5, ("india", "delhi", "mumbai", "هند", "الهند")),
    "Türkiye": (3.0, ("turkey", "türkiye", "turkiye", "istanbul", "ankara", "ترکیه", "تركيا", "استانبول")),
    "Egypt": (2.0, ("egypt", "cairo", "مصر", "القاهرة", "قاهره")),
    "Russia": (3.0, ("russia", "moscow", "россия", "москва", "روسیه", "روسيا", "مسکو")),
    "Ukraine": (2.0, ("ukraine", "kyiv", "kiev", "україна", "київ", "اوکراین", "أوكرانيا")),
    "China": (8.0, ("china", "beijing", "shanghai", "中国", "北京", "چین", "الصين")),
    "Germany": (1.0, ("germany", "berlin", "deutschland", "آلمان", "ألمانيا")),
    "France": (1.0, ("france", "paris", "فرانسه", "فرنسا", "پاریس")),
    "United Kingdom": (0.0, ("united kingdom", "london", "england", "britain", "انگلیس", "بریتانیا", "لندن", "بريطانيا")),
    "Sweden": (1.0, ("sweden", "stockholm", "سوئد")),
    "Netherlands": (1.0, ("netherlands", "amsterdam", "هلند")),
    "Canada": (-5.0, ("canada", "toronto", "montreal", "ottawa", "کانادا", "كندا", "تورنتو")),
    "United States": (-5.0, ("united states", "usa", "america", "new york", "washington", "آمریکا", "امریکا", "أمريكا", "واشنگتن", "نیویورک")),
    "United States (West)": (-8.0, ("california", "los angeles", "san francisco", "seattle", "لس آنجلس", "کالیفرنیا")),
    "Venezuela": (-4.0, ("venezuela", "caracas", "ونزوئلا")),
    "Nigeria": (1.0, ("nigeria", "lagos", "abuja")),
    "Australia": (10.0, ("australia", "sydney", "melbourne", "استرالیا")),
}  # fmt: skip


@cache
def normalized_places() -> list[tuple[str, str, float]]:
    """(normalized name, region, offset) for every name, longest names first."""
    import pyarrow as pa

    from cibwatch.text import normalize_arrow

    raw = [(name, region, offset) for region, (offset, names) in PLACES.items() for name in names]
    norms = normalize_arrow(pa.array([r[0] for r in raw], pa.string())).to_pylist()
    rows = [(n, r[1], r[2]) for n, r in zip(norms, raw, strict=True) if n and len(n) >= 2]
    rows.sort(key=lambda r: -len(r[0]))
    return rows


@cache
def _places_regex() -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n, _, _ in normalized_places())
    return re.compile(rf"(?:^|[^\w])({names})(?:$|[^\w])")


def places_of(locations: list[str]) -> list[tuple[str, float] | None]:
    """The gazetteer region each free-text location names, if any (longest name first)."""
    import pyarrow as pa

    from cibwatch.text import normalize_arrow

    if not locations:
        return []
    region = {n: (r, o) for n, r, o in normalized_places()}
    norms = normalize_arrow(pa.array(locations, pa.string())).to_pylist()
    out: list[tuple[str, float] | None] = []
    for norm in norms:
        m = _places_regex().search(norm or "")
        out.append(region[m.group(1)] if m else None)
    return out
