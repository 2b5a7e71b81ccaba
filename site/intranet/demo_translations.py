"""Finnish translations of the demo's intranet pages: the home page and the guides.

Runs last in seed_demo, so it copies whatever blocks the English pages have by then. Text
blocks whose English wording is known here get Finnish text; live blocks (project cards,
wins…) are copied as they are, with their heading translated when it is known. Projects are
never translated: other records point at their ids, and Finnish readers see them in English.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.blocks import StreamValue
from wagtail.models import Locale, Site

from .demo import GUIDES
from .models import HomePage, StandardPage

FINNISH = "fi"

# English page slug ("" for the home page) → Finnish title and introduction.
PAGE_TEXT = {
    "": (
        "Common Ground",
        "Täällä osastot kohtaavat, sopivat yhdessä, mitä onnistuminen tarkoittaa, ja juhlivat "
        "onnistumisia yhdessä.",
    ),
    "how-we-work-together": (
        "Näin teemme yhteistyötä",
        "Tavat, joilla yhteisprojektit onnistuvat osastojen rajojen yli.",
    ),
    "new-here": (
        "Uusi täällä?",
        "Ensimmäinen viikkosi: keitä tavata, mistä löydät asiat ja miten pääset mukaan projektiin.",
    ),
}

# English heading or block title → Finnish. Also the headings of live blocks.
HEADINGS = {
    "Why Common Ground?": "Miksi Common Ground?",
    "How it works": "Näin se toimii",
    "Status, next step and when": "Tilanne, seuraava askel ja aikataulu",
    "No “good luck”": "Ei ”onnea matkaan” -vastauksia",
    "Read before you ask": "Lue ennen kuin kysyt",
    # The live blocks of the demo home page and guide (projects/demo_pages.py).
    "Promises kept": "Pidetyt lupaukset",
    "Joint projects to follow": "Seuraa näitä yhteisprojekteja",
    "How our first replies are doing": "Miten ensimmäiset vastauksemme sujuvat",
    "Latest wins": "Uusimmat onnistumiset",
    "Retrospectives coming up": "Tulevat retrospektiivit",
    "Who works with whom": "Kuka tekee työtä kenen kanssa",
    "People to thank": "Kiitoksen ansaitsijat",
    "Promises kept by Customer Support": "Asiakastuen pitämät lupaukset",
    "Active projects with Customer Support": "Käynnissä olevat projektit asiakastuen kanssa",
    "Credited most in recent wins": "Eniten kiitetyt tuoreissa onnistumisissa",
    "Joint projects": "Yhteisprojektit",
}

# English rich text of a paragraph block → Finnish rich text with the same markup.
PARAGRAPHS = {
    "<p>Every department here is good at its own job. Customers still feel the gaps "
    "between us: they repeat their story to each team and wait for call-backs that never "
    "come. The cure is simple and hard: <b>joint projects</b> that need people from several "
    "departments, one shared definition of success, and wins we celebrate together.</p>": (
        "<p>Jokainen osasto osaa oman työnsä hyvin. Asiakkaat tuntevat silti välissämme olevat "
        "aukot: he kertovat asiansa jokaiselle tiimille uudelleen ja odottavat "
        "takaisinsoittoja, joita ei koskaan tule. Lääke on yksinkertainen mutta vaikea: "
        "<b>yhteisprojektit</b>, joihin tarvitaan ihmisiä monesta osastosta, yksi yhteinen "
        "käsitys onnistumisesta ja onnistumiset, joita juhlimme yhdessä.</p>"
    ),
    "<ol><li><b>Meet.</b> Find colleagues in the people directory by what they know.</li>"
    "<li><b>Agree.</b> Define success together: every department signs off the metric.</li>"
    "<li><b>Keep each other informed.</b> Every update says where things stand, what "
    "happens next and by when.</li>"
    "<li><b>Celebrate together.</b> Wins credit the people from every department who made "
    "them happen.</li></ol>": (
        "<ol><li><b>Tapaa.</b> Löydä kollegat henkilöhakemistosta sen perusteella, mitä he "
        "osaavat.</li>"
        "<li><b>Sovi.</b> Määritelkää onnistuminen yhdessä: jokainen osasto hyväksyy "
        "mittarin.</li>"
        "<li><b>Pidä muut ajan tasalla.</b> Jokainen päivitys kertoo, missä mennään, mitä "
        "tapahtuu seuraavaksi ja mihin mennessä.</li>"
        "<li><b>Juhli yhdessä.</b> Onnistumiset kiittävät nimeltä kaikkien osastojen ihmisiä, "
        "jotka tekivät ne mahdollisiksi.</li></ol>"
    ),
    "<p>Every update says where things stand, what happens next and by when. A "
    "promised date is tracked, and an overdue promise is visible to everyone.</p>": (
        "<p>Jokainen päivitys kertoo, missä mennään, mitä tapahtuu seuraavaksi ja mihin "
        "mennessä. Luvattua päivämäärää seurataan, ja myöhässä oleva lupaus näkyy "
        "kaikille.</p>"
    ),
    "<p>Nobody is left alone with a problem: each follow-up has an owner and a date.</p>": (
        "<p>Ketään ei jätetä yksin ongelman kanssa: jokaisella jatkotoimella on vastuuhenkilö "
        "ja päivämäärä.</p>"
    ),
    "<p>Check the project page and the directory before asking a colleague to "
    "repeat what they already wrote down.</p>": (
        "<p>Katso projektin sivu ja henkilöhakemisto, ennen kuin pyydät kollegaa toistamaan "
        "sen, minkä hän on jo kirjoittanut muistiin.</p>"
    ),
    "<ul><li>Complete your profile: add what people can ask you about.</li>"
    "<li>Meet one person from another department this week.</li>"
    "<li>Join a joint project that needs what you bring.</li></ul>": (
        "<ul><li>Täydennä profiilisi: kerro, mistä sinulta voi kysyä.</li>"
        "<li>Tapaa tällä viikolla yksi ihminen toisesta osastosta.</li>"
        "<li>Liity yhteisprojektiin, joka tarvitsee juuri sinun osaamistasi.</li></ul>"
    ),
}

QUOTES = {
    "We stopped arguing about whose numbers were right once we agreed on one.": (
        "Lakkasimme kiistelemästä siitä, kenen luvut ovat oikeat, kun sovimme yhdestä yhteisestä."
    ),
}
ATTRIBUTIONS = {
    "Maria Nieminen, Customer Support": "Maria Nieminen, asiakastuki",
}

# Other short texts of the demo's blocks: picture captions and alt texts, spotlight reasons.
TEXTS = {
    "Every line is a joint project: departments meet around shared goals.": (
        "Jokainen viiva on yhteisprojekti: osastot kohtaavat yhteisten tavoitteiden äärellä."
    ),
    "An illustration: one circle for each department, in its colour, around a shared table, "
    "joined by lines to the departments it works with.": (
        "Kuvitus: jokaisella osastolla on oman värinen ympyrä yhteisen pöydän ympärillä, ja "
        "viivat yhdistävät sen osastoihin, joiden kanssa se tekee työtä."
    ),
    "Fixed order-history search with Support: those tickets stopped.": (
        "Korjasi tilaushistorian haun yhdessä asiakastuen kanssa: niistä ei tule enää tikettejä."
    ),
    "One order form for Sales and Operations; orders now arrive complete.": (
        "Yksi tilauslomake myynnille ja toiminnoille; tilaukset tulevat nyt perille valmiina."
    ),
    "Self-service password reset, and a buddy for every new starter.": (
        "Itsepalveluna toimiva salasanan vaihto ja kummi jokaiselle uudelle aloittajalle."
    ),
}

# Call to action: English title → Finnish title, text and button label.
CALLS_TO_ACTION = {
    "New here?": (
        "Uusi täällä?",
        "Ensimmäinen viikkosi: keitä tavata, mistä löydät asiat ja miten pääset mukaan projektiin.",
        "Aloita tästä",
    ),
    "Find a colleague in another department": (
        "Löydä kollega toisesta osastosta",
        "Hae ihmisiä nimen, osaston tai sen perusteella, missä he voivat auttaa.",
        "Avaa henkilöhakemisto",
    ),
    "Browse the departments": (
        "Tutustu osastoihin",
        "Katso kaikki tiimit ja niiden ihmiset.",
        "Näytä osastot",
    ),
}


@transaction.atomic
def seed_translations():
    """Publish Finnish translations of the home page and the guides; safe to run again.

    Returns how many pages have a Finnish translation.
    """
    finnish, _created = Locale.objects.get_or_create(language_code=FINNISH)
    _let_editors_translate()
    home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    _publish_translation(home, finnish, "")
    translated = 1
    for _title, slug, _introduction, _body, _in_menu in GUIDES:
        guide = StandardPage.objects.child_of(home).filter(slug=slug).first()
        if guide is not None:
            _publish_translation(guide, finnish, slug)
            translated += 1
    return translated


def _let_editors_translate():
    """Wagtail's Editors group gets "Translate" in the page menu (superusers have it anyway)."""
    editors = Group.objects.filter(name="Editors").first()
    permission = Permission.objects.filter(
        content_type__app_label="simple_translation", codename="submit_translation"
    ).first()
    if editors is not None and permission is not None:
        editors.permissions.add(permission)


def _publish_translation(english, locale, slug):
    # The translation copies the English page's latest content each run, so blocks that
    # later seed steps added (live blocks on the home page) are carried over as well.
    translation = english.get_translation_or_none(locale)
    if translation is None:
        translation = english.copy_for_translation(locale)
    title, introduction = PAGE_TEXT[slug]
    translation.title = title
    translation.draft_title = title
    translation.introduction = introduction
    translation.show_in_menus = english.show_in_menus
    translation.body = StreamValue(
        translation.body.stream_block,
        [_translated_block(block) for block in english.body.raw_data],
        is_lazy=True,
    )
    translation.save_revision().publish()
    return translation


def _translated_block(block):
    """One block of the English body's raw data, its text in Finnish where known."""
    kind, value = block["type"], block["value"]
    if kind == "paragraph":
        value = PARAGRAPHS.get(value, value)
    elif kind == "heading":
        value = {**value, "text": HEADINGS.get(value["text"], value["text"])}
    elif kind == "quote":
        value = {
            **value,
            "text": QUOTES.get(value["text"], value["text"]),
            "attribution": ATTRIBUTIONS.get(value.get("attribution"), value.get("attribution")),
        }
    elif kind == "call_to_action":
        title, text, button_label = CALLS_TO_ACTION.get(
            value["title"], (value["title"], value.get("text"), value["button_label"])
        )
        value = {**value, "title": title, "text": text, "button_label": button_label}
    else:
        # A figure or a live block: its data (image, projects, filters) stays as it is;
        # known headings, captions and reasons are translated.
        value = _translated_texts(value)
    return {"type": kind, "value": value, "id": block.get("id")}


def _translated_texts(value):
    """Raw block data with every known English string replaced by its Finnish text."""
    if isinstance(value, str):
        return HEADINGS.get(value) or TEXTS.get(value, value)
    if isinstance(value, dict):
        return {key: _translated_texts(field) for key, field in value.items()}
    if isinstance(value, list):
        return [_translated_texts(item) for item in value]
    return value
