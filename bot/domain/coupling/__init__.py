"""Coupling volunteers to residents who could use help (issue 6).

Modules: `vocabulary` (StrEnums), `requests` (help requests, owner, status history),
`matching` (hard filters in SQL, soft score, reasons, top suggestions), `assignment`
(all open requests of an area at once, exact), `proposals`, `couples`, `checkins`,
`handover`, `organisations`, `workdays`. Domain rules only: no `telegram`, no texts.
"""
