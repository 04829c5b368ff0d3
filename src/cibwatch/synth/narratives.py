"""What the planted operations say: attack an opposition group, praise officials.

Templates are real Persian and English. The patient operation uses hand-written paraphrases
of the same talking points (a different sentence each time, not a copy with emoji swapped).
"""

from __future__ import annotations

ATTACK_FA = (
    "منافقین دستشان به خون هزاران ایرانی آلوده است",
    "سازمان مجاهدین خلق یک فرقه تروریستی است که به مردم خودش خیانت کرد",
    "رجوی و فرقه‌اش در خدمت دشمنان ایران هستند",
    "جنایات منافقین را هرگز فراموش نمی‌کنیم",
    "منافقین در جنگ کنار صدام ایستادند و به وطن خیانت کردند",
    "آلبانی پناهگاه تروریست‌های منافق شده است",
)
PRAISE_FA = (
    "دولت مردمی با قدرت مشکلات اقتصادی را حل می‌کند",
    "رئیس‌جمهور با سفرهای استانی صدای مردم را می‌شنود",
    "واکسیناسیون سراسری با مدیریت دولت سرعت گرفت",
    "سیاست خارجی مقتدر ایران دشمنان را ناامید کرده است",
)
ATTACK_EN = (
    "The MEK is a terrorist cult that betrayed the Iranian people",
    "Rajavi's cult serves the enemies of Iran",
    "Never forget the crimes of the MEK against ordinary Iranians",
    "The MEK sided with Saddam and killed Iranians",
)
PRAISE_EN = (
    "The new government is delivering real results for ordinary Iranians",
    "Iran's vaccination drive is a success story the West ignores",
    "Iran's principled foreign policy has left its enemies frustrated",
)
HASHTAGS_FA = ("منافقین", "فرقه_رجوی", "NoToMEK", "MEK_Terrorists", "دولت_مردمی", "ایران_قوی")
HASHTAGS_EN = ("NoToMEK", "MEK_Terrorists", "IranStrong", "StopMEKLies")

# Talking points for the patient operation, each written four ways.
PARAPHRASES_EN = (
    (
        "Honestly the MEK are nothing but a cult, ask anyone who escaped from their camp",
        "People who left Camp Ashraf describe the MEK as a cult. Why do Western politicians still host them?",
        "Reading testimonies from former MEK members. It really is a cult, no other word for it.",
        "The more I read about the MEK, the clearer it is: a cult that exploits its own members",
    ),
    (
        "Whatever you think of Tehran, the vaccine rollout there has been impressive lately",
        "Credit where it's due: vaccination numbers in Iran are climbing fast",
        "Friends in Iran say getting vaccinated is easy now. Western media won't report that",
        "Iran's vaccination campaign is moving faster than anyone predicted",
    ),
    (
        "Sanctions hurt ordinary Iranians, not the government. When will Washington admit it?",
        "Every new sanction lands on patients and families, not politicians",
        "My cousin in Shiraz can't get her medicine because of sanctions. This is collective punishment",
        "Sanctions are economic warfare against civilians, plain and simple",
    ),
    (
        "Why do European parliaments keep inviting MEK speakers? They have blood on their hands",
        "It's shameful that MEK figures get applause in Brussels",
        "Politicians who attend MEK rallies should read what the group did in the 80s",
        "MEK lobbying in Europe is well funded and deeply dishonest",
    ),
)
PARAPHRASES_FA = (
    (
        "هر کس از کمپ اشرف فرار کرده می‌گوید منافقین یک فرقه‌اند",
        "خاطرات جداشدگان سازمان را که می‌خوانی، می‌فهمی با یک فرقه طرفی",
        "مجاهدین خلق چیزی جز یک فرقه نیست؛ از اعضای سابقش بپرسید",
        "فرقه رجوی اعضای خودش را هم قربانی کرده است",
    ),
    (
        "واکسیناسیون این روزها خیلی سریع‌تر شده، باید انصاف داشت",
        "تو محله ما همه واکسن دوم را زدند، کار دولت قابل تقدیره",
        "آمار واکسن هر روز بهتر می‌شود و رسانه‌های خارجی سکوت کرده‌اند",
        "برخلاف تبلیغات، واکسن در دسترس همه است",
    ),
)
FILLER_BIOS_ABROAD = ("", "Coffee addict. Proud immigrant.", "Engineer, dad, Toronto Raptors fan",
                      "Writer. Views are my own.", "PhD candidate in political science",
                      "Persian-Canadian. Foodie.", "Nurse | traveller | dreamer")  # fmt: skip
ABROAD = ("London, England", "Toronto, Ontario", "Berlin, Germany", "California, USA",
          "Paris, France", "Stockholm, Sweden", "Washington, DC", "Vancouver, BC")  # fmt: skip
AMPLIFIER_BIOS = ("عاشق ایران 🇮🇷", "سرباز وطن", "ایران قوی", "", "", "مدافع حرم", "بسیجی",
                  "خادم مردم", "🇮🇷🇮🇷🇮🇷", "یا علی")  # fmt: skip
OP_PAGE_NAMES = ("صدای حقیقت", "Iran Truth Today", "خبرنامه ملت", "Voice of Resistance", "روایت ایران",
                 "The Real Iran", "جبهه رسانه‌ای", "Iran Facts Daily", "ملت آگاه", "Unity News Network")  # fmt: skip
OP_GROUP_NAMES = (
    "حامیان دولت مردمی",
    "Iran Unity Forum",
    "افشای منافقین",
    "ایران من",
    "Friends of Iran",
)
EVENT_TEXTS = (
    "کنسرت خیریه برای زلزله‌زدگان، همه دعوتید! لینک ثبت‌نام:",
    "مراسم یادبود در پارک مرکزی، جمعه ساعت ۶ عصر. جزئیات:",
    "Persian community picnic this Sunday, bring your family! Details:",
)
STORM_FA = "ما صدای زندانیان سیاسی هستیم؛ آزادی بیان حق همه مردم ایران است"
STORM_EN = "We will not stay silent. Stop the executions in Iran now"
STORM_TAG_FA = "آزادی_زندانیان_سیاسی"
STORM_TAG_EN = "StopExecutionsInIran"

# Each operation has its own messages and hashtags; the campaign's core line (ATTACK_FA[0])
# is shared by all of them, as separate teams of one actor repeat the same slogan.
PAGES_FA = (
    "افشاگری تازه درباره جنایات منافقین را بخوانید",
    "گزارش ویژه: دست‌های پنهان پشت اغتشاشات",
    "رسانه‌های غربی این خبر را سانسور کردند",
    "حقایقی که شبکه‌های ماهواره‌ای نمی‌گویند",
)
CROSS_FA = (
    "افتخار می‌کنیم به خدمت‌رسانی شبانه‌روزی دولت",
    "ایران با مدیریت جهادی از تحریم عبور می‌کند",
    "مردم قدردان تلاش‌های بی‌وقفه مسئولان هستند",
    "جوانان ایرانی پای نظام ایستاده‌اند",
)
TELEGRAM_FA = (
    "فوری: اعترافات یک عضو جداشده از سازمان منافقین",
    "ویدئو: آنچه در کمپ اشرف گذشت",
    "سند جدید از همکاری منافقین با سرویس‌های بیگانه",
)
OP_MESSAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # operation -> (templates, hashtags)
    "op_amplifiers": (ATTACK_FA + PRAISE_FA, HASHTAGS_FA),
    "op_pages_groups": (ATTACK_FA[:1] + PAGES_FA, ("افشاگری", "رسانه_آزاد", "حقیقت", "منافقین")),
    "op_crossplatform": (
        ATTACK_FA[:1] + CROSS_FA,
        ("دولت_مردمی", "ایران_قوی", "مدیریت_جهادی", "ما_ایستاده‌ایم"),
    ),
    "op_telegram": (ATTACK_FA[:1] + TELEGRAM_FA, ("فوری", "اشرف", "منافقین")),
    "op_small": (ATTACK_FA[:1] + ATTACK_FA[3:], ("فرقه_رجوی", "NoToMEK", "منافقین")),
}
