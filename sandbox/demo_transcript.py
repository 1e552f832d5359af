"""How `wijkbot demo` prints its chats short enough to read, nothing of the story dropped:
presses in a row on one line, texts shown before as "… (as above)", a sign-up like one
shown before folded into one line (`condense`, `condense_sign_up`)."""

from __future__ import annotations

import re

from bot.domain.vocabulary import Role
from sandbox.fake_bot_api.messages import visible

#: What a folded sign-up went through, per role (the steps of `bot.handlers.onboarding`).
SIGN_UP_STEPS = {
    Role.VOLUNTEER: "language, agree, buurt, languages, tasks, times",
    Role.RESIDENT: "language, agree, buurt, help wanted, what they offer",
}


def condense_sign_up(lines: list[str], first_name: str, role: str) -> list[str]:
    """A chat whose sign-up is like one shown before (same role and language), with the
    steps from ``/start`` up to the bot's thank-you folded into one line; of the thank-you
    stay its first line and, on one line, what the person chose (buurt, languages, tasks,
    times), without the closing pointer to /help (`_choices_only`).

    The thank-you is the first bot message naming the person (`first_name`); without one
    (the sign-up did not finish) the lines are returned as they are.
    """
    if not lines or not lines[0].startswith("> /start "):
        return lines
    for index, line in enumerate(lines):
        if line.startswith("< ") and first_name in visible(line):
            folded = f"{lines[0]} … (sign-up as above: {SIGN_UP_STEPS[Role(role)]})"
            end = next(
                (i for i in range(index + 1, len(lines)) if not lines[i].startswith("  ")),
                len(lines),
            )
            return [folded, *_choices_only(lines[index:end]), *lines[end:]]
    return lines


def _choices_only(thank_you: list[str]) -> list[str]:
    """A folded sign-up's thank-you, short: its first paragraph, then what the person chose
    on one line ("Buurt: ... · Talen: ..."); its blank lines and closing paragraph (the
    pointer to /help, the same for everyone) are left out. A thank-you without the usual
    three paragraphs is returned as it is."""
    blanks = [i for i, line in enumerate(thank_you) if not line.strip()]
    if len(blanks) < 2:
        return thank_you
    chosen = [line.strip() for line in thank_you[blanks[0] + 1 : blanks[-1]] if line.strip()]
    return [*thank_you[: blanks[0]], "  " + " · ".join(chosen)]


BUTTONS = re.compile(r"(?: \[[^\[\]]*\](?: \|)?)+$")  # " [Ja] [Nee] | [Terug]" at a line's end


def condense(lines: list[str], seen: set[str]) -> list[str]:
    """A chat's final transcript, shortened for reading; nothing of the story is dropped.

    - Presses one after the other (ticking a checklist, then Done) share one line:
      ``> [pressed: ⬜ Nederlands → ⬜ Engels → Klaar]``.
    - A paragraph of 3 lines or more that an earlier chat already showed in full (the
      consent text, the action's card in calls and reminders) is shown by its first line
      and "… (as above)", keeping the message's buttons. `seen` carries the paragraphs
      shown so far from chat to chat.
    """
    merged: list[str] = []
    for line in lines:
        if line.startswith("> [pressed: ") and merged and merged[-1].startswith("> [pressed: "):
            merged[-1] = merged[-1][:-1] + " → " + line.removeprefix("> [pressed: ")
        else:
            merged.append(line)
    out: list[str] = []
    message: list[str] = []

    def shorten(block: list[str]) -> list[str]:
        """`block` as it is, or its first line + "… (as above)" + its buttons when its
        text (3 lines or more) was shown before."""
        buttons = BUTTONS.search(block[-1])
        body = [*block[:-1], block[-1][: buttons.start()] if buttons else block[-1]]
        key = "\n".join(_bare(line) for line in body)
        if len([line for line in body if line.strip()]) >= 3 and key in seen:
            return [f"{body[0]} … (as above){buttons.group(0) if buttons else ''}"]
        seen.add(key)
        return block

    def flush() -> None:
        if not message:
            return
        whole = shorten(message)
        if len(whole) < len(message) or all(line.strip() for line in message):
            out.extend(whole)  # folded as a whole, or one paragraph (checked just now)
        else:  # paragraph by paragraph (blank lines are "  ")
            paragraph: list[str] = []
            for line in message:
                if line.strip():
                    paragraph.append(line)
                else:
                    out.extend(shorten(paragraph))
                    out.append(line)
                    paragraph = []
            if paragraph:
                out.extend(shorten(paragraph))
        message.clear()

    for line in merged:
        if line.startswith("  ") and message:
            message.append(line)
        else:
            flush()
            if line.startswith("< ") and not line.startswith("< ["):
                message.append(line)
            else:
                out.append(line)
    flush()
    return out


def _bare(line: str) -> str:
    """A transcript line without its '< ' / '< (edited) ' prefix or indent."""
    return line.removeprefix("< (edited) ").removeprefix("< ").strip()
