"""The command menu Telegram shows under "/", per language and role."""

from __future__ import annotations

from telegram import BotCommand

from bot.i18n import Translator

# Command names per language: Dutch first; the English aliases work for everyone.
COMMANDS = {
    "nl": {
        "availability": "beschikbaarheid",
        "myactions": "mijnacties",
        "profile": "profiel",
        "language": "taal",
        "delete": "verwijderen",
        "newaction": "nieuweactie",
        "actions": "acties",
        "invite": "uitnodigen",
        "helprequests": "hulpvragen",
        "matchall": "koppelen",
        "couples": "koppels",
        "handover": "doorzetten",
        "sharenumber": "nummerdelen",
        "helprequest": "hulpvraag",
        "ready": "klaarvoorkoppelen",
        "overview": "overzicht",
        "results": "opbrengst",
        "worried": "zorgen",
        "social_map": "sociale_kaart",
        "away": "afwezig",
        "signal": "signaal",
        "signals": "signalen",
    },
    "en": {
        "availability": "availability",
        "myactions": "myactions",
        "profile": "profile",
        "language": "language",
        "delete": "delete",
        "newaction": "newaction",
        "actions": "actions",
        "invite": "invite",
        "helprequests": "helprequests",
        "matchall": "matchall",
        "couples": "couples",
        "handover": "handover",
        "sharenumber": "sharenumber",
        "helprequest": "helprequest",
        "ready": "ready",
        "overview": "overview",
        "results": "results",
        "worried": "worried",
        "social_map": "social_map",
        "away": "away",
        "signal": "signal",
        "signals": "signals",
    },
}


def command_list(t: Translator, lang: str) -> list[BotCommand]:
    """The menu for volunteers and everyone else, in `lang` (nl or en)."""
    names = COMMANDS[lang]
    return [
        BotCommand(names["myactions"], t.gettext("My actions and my answers")),
        BotCommand(names["availability"], t.gettext("Set when you can help")),
        BotCommand(names["couples"], t.gettext("My couple (koppel)")),
        BotCommand(names["sharenumber"], t.gettext("Pass on my phone number once")),
        BotCommand(names["helprequest"], t.gettext("Ask for help (residents)")),
        BotCommand(names["results"], t.gettext("Record the results of an action")),
        BotCommand(names["signal"], t.gettext("A signal about a place for an organisation")),
        BotCommand(names["worried"], t.gettext("Worried about someone? Who to call")),
        BotCommand(names["social_map"], t.gettext("Organisations in your neighbourhood")),
        BotCommand(names["profile"], t.gettext("Change your neighbourhood, languages or tasks")),
        BotCommand(names["language"], t.gettext("Choose your language")),
        BotCommand("help", t.gettext("What can I do here?")),
        BotCommand("stop", t.gettext("Stop all messages")),
        BotCommand(names["delete"], t.gettext("Delete everything stored about me")),
    ]


def coordinator_command_list(t: Translator, lang: str) -> list[BotCommand]:
    """The menu a coordinator sees in their own chat (set per chat when they sign up)."""
    names = COMMANDS[lang]
    return [
        BotCommand(names["newaction"], t.gettext("Plan an action and call volunteers")),
        BotCommand(names["actions"], t.gettext("Who is coming? Cancel an action")),
        BotCommand(names["invite"], t.gettext("Make an invite link and QR code")),
        BotCommand(names["helprequests"], t.gettext("What residents would like help with")),
        BotCommand(names["matchall"], t.gettext("Propose couples for all open help requests")),
        BotCommand(names["couples"], t.gettext("Couples of my area; end one")),
        BotCommand(names["handover"], t.gettext("Hand a help request to an organisation")),
        BotCommand(names["ready"], t.gettext("Mark volunteers ready for coupling")),
        BotCommand(names["overview"], t.gettext("Overview: chart and CSV of your area")),
        BotCommand(names["results"], t.gettext("Record the results of an action")),
        BotCommand(names["signal"], t.gettext("A signal about a place for an organisation")),
        BotCommand(names["signals"], t.gettext("Signals of my area and where they stand")),
        BotCommand(names["away"], t.gettext("Away? A stand-in gets your notices")),
        BotCommand(names["language"], t.gettext("Choose your language")),
        BotCommand("help", t.gettext("What can I do here?")),
        BotCommand("stop", t.gettext("Stop all messages")),
        BotCommand(names["delete"], t.gettext("Delete everything stored about me")),
    ]
