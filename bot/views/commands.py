"""The command menu Telegram shows under "/", per language and role."""

from __future__ import annotations

from telegram import BotCommand

from bot.i18n import Translator

# Command names per language: Dutch first; the English aliases work for everyone.
COMMANDS = {
    "nl": {
        "availability": "beschikbaarheid",
        "myactions": "mijnacties",
        "language": "taal",
        "delete": "verwijderen",
        "newaction": "nieuweactie",
        "actions": "acties",
        "invite": "uitnodigen",
        "helprequests": "hulpvragen",
        "away": "afwezig",
    },
    "en": {
        "availability": "availability",
        "myactions": "myactions",
        "language": "language",
        "delete": "delete",
        "newaction": "newaction",
        "actions": "actions",
        "invite": "invite",
        "helprequests": "helprequests",
        "away": "away",
    },
}


def command_list(t: Translator, lang: str) -> list[BotCommand]:
    """The menu for volunteers and everyone else, in `lang` (nl or en)."""
    names = COMMANDS[lang]
    return [
        BotCommand(names["myactions"], t.gettext("My actions and my answers")),
        BotCommand(names["availability"], t.gettext("Set when you can help")),
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
        BotCommand(names["away"], t.gettext("Away? A stand-in gets your notices")),
        BotCommand(names["language"], t.gettext("Choose your language")),
        BotCommand("help", t.gettext("What can I do here?")),
        BotCommand("stop", t.gettext("Stop all messages")),
        BotCommand(names["delete"], t.gettext("Delete everything stored about me")),
    ]
