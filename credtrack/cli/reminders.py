"""Reminders by e-mail and calendar files: what is due, sending (also as a scheduled task), the rules and
wording, a unit's educator address, and .ics files of a person's or a cohort's dates."""

from __future__ import annotations

from pathlib import Path

from credtrack.cli import context
from credtrack.errors import ValidationError
from credtrack.reports import calendar
from credtrack.services import people
from credtrack.services.common import parse_date
from credtrack.services.reminders import history, outbox, rules, wording
from credtrack.services.reminders.sending import send_through_mail


def register(sub) -> None:
    p = sub.add_parser("reminders", help="e-mail reminders of expiry and due dates")
    rsub = p.add_subparsers(dest="reminders_command", required=True)

    d = rsub.add_parser("due", help="list the reminders due today, each with its message")
    d.add_argument("--date", help="as of this day instead of today (YYYY-MM-DD), to check the rules")
    d.add_argument("--brief", action="store_true", help="one line each, without the messages")
    d.set_defaults(handler=cmd_due)

    s = rsub.add_parser("send", help="send the reminders due today (for a scheduled task too)")
    s.add_argument("--dry-run", action="store_true", help="say what would be sent, send and record nothing")
    s.set_defaults(handler=cmd_send)

    se = rsub.add_parser("settle", help="a reminder an interrupted run left sending: record it sent, or queue it")
    se.add_argument("reminder_id", type=int)
    how = se.add_mutually_exclusive_group(required=True)
    how.add_argument("--sent", action="store_true", help="the mail server's log shows it went")
    how.add_argument("--queue", action="store_true", help="it did not go: send it on the next run")
    se.set_defaults(handler=cmd_settle)

    h = rsub.add_parser("history", help="reminders sent, failed or cancelled, the newest first")
    h.add_argument("--limit", type=int, default=50)
    h.set_defaults(handler=cmd_history)

    r = rsub.add_parser("rules", help="the reminder rules: the default, and each credential's or module's own")
    r.set_defaults(handler=cmd_rules)

    sr = rsub.add_parser("set-rule", help="set the default rule, or a credential's or module's own")
    target = sr.add_mutually_exclusive_group()
    target.add_argument("--credential", help="credential code (neither: the default rule)")
    target.add_argument("--module", help="module code of a recurring module")
    sr.add_argument("--days", help="days before the expiry, e.g. 90,60,30,7 (empty: none)")
    _switch(sr, "on-expiry", "a reminder on the day itself")
    _switch(sr, "overdue", "a reminder once an assigned credential is past its due date")
    _switch(sr, "copy-educator", "copy the learner's unit educator")
    _switch(sr, "enabled", "send reminders under this rule at all")
    sr.set_defaults(handler=cmd_set_rule)

    t = rsub.add_parser("templates", help="the wording of each kind of reminder, with the placeholders")
    t.set_defaults(handler=cmd_templates)

    st = rsub.add_parser("set-template", help="change the wording of one kind of reminder")
    st.add_argument("kind", choices=wording.KINDS)
    st.add_argument("--subject")
    st.add_argument("--body-file", type=Path, help="a UTF-8 text file holding the body")
    st.add_argument("--reset", action="store_true", help="back to the wording credtrack ships")
    st.set_defaults(handler=cmd_set_template)

    u = rsub.add_parser("unit-educator", help="the e-mail address copied on a unit's reminders")
    u.add_argument("unit")
    u.add_argument("--email", default="", help="the address (empty: none)")
    u.set_defaults(handler=cmd_unit_educator)

    c = sub.add_parser("calendar", help="calendar files (.ics) of due and expiry dates")
    csub = c.add_subparsers(dest="calendar_command", required=True)
    cp = csub.add_parser("person", help="one person's dates")
    cp.add_argument("external_id")
    cp.add_argument("--out", type=Path, required=True, help="the .ics file to write")
    cp.set_defaults(handler=cmd_calendar_person)
    cc = csub.add_parser("cohort", help="a cohort's people's dates for its credentials")
    cc.add_argument("cohort")
    cc.add_argument("--out", type=Path, required=True, help="the .ics file to write")
    cc.set_defaults(handler=cmd_calendar_cohort)


def _switch(parser, name: str, what: str) -> None:
    group = parser.add_mutually_exclusive_group()
    dest = name.replace("-", "_")
    group.add_argument(f"--{name}", dest=dest, action="store_true", default=None, help=what)
    group.add_argument(f"--no-{name}", dest=dest, action="store_false", help=f"no {what.removeprefix('a ')}")


def _print_due(rows: list[outbox.DueReminder], brief: bool) -> None:
    print(f"{len(rows)} reminder{'s' if len(rows) != 1 else ''} due.")
    for r in rows:
        state = {"new": "", "queued": "  (queued)", "sending": "  (interrupted run: not sent again)"}.get(
            r.state, f"  (failed {r.attempts}x: {r.last_error})"
        )
        print(f"- {r.external_id} {r.name}: {r.subject_code} {r.step_label} ({r.about_on.isoformat()}){state}")
        if r.problem:
            print(f"  {r.problem}")
        if not brief:
            print(f"  To: {r.to or '-'}" + (f"  Cc: {r.copy_to}" if r.copy_to else ""))
            print(f"  Subject: {r.subject}")
            print("  " + r.body.rstrip().replace("\n", "\n  "))
            print()


def cmd_due(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    day = None
    if args.date:
        day = parse_date(args.date, "The date", "date", required=True)
    _print_due(outbox.due_reminders(db.unit_of_work(), actor, day), args.brief)
    return 0


def cmd_send(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    if args.dry_run:
        rows = outbox.due_reminders(db.unit_of_work(), actor)
        _print_due(rows, brief=False)
        print("Dry run: nothing was sent or recorded.")
        return 0
    report = send_through_mail(db, actor).value
    print(report.describe())
    for error in report.errors:
        print(f"  {error}")
    return 1 if report.failed or report.left_queued else 0  # a scheduled task sees that some did not go


def cmd_settle(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = history.settle_interrupted(db.unit_of_work(), actor, args.reminder_id, was_sent=args.sent).value
    print(f"Reminder {row.id} to {row.name}: {'recorded as sent' if row.state == 'sent' else 'queued to send again'}.")
    return 0


def cmd_history(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    for h in history.history(db.unit_of_work(), actor, limit=args.limit):
        when = h.sent_at.strftime("%Y-%m-%d %H:%M") if h.sent_at else h.queued_at.strftime("%Y-%m-%d %H:%M")
        extra = h.last_error if h.state == "failed" else h.cancel_reason if h.state == "cancelled" else h.recipient
        print(f"{h.id:>6}  {when}  {h.state:<9} {h.external_id} {h.name}: {h.step_label}, {h.about_on}  {extra or ''}")
    return 0


def cmd_rules(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    for r in rules.list_rules(db.unit_of_work(), actor):
        name = "default" if r.scope == rules.DEFAULT else f"{r.scope} {r.code}"
        print(f"{name:<24} {r.describe()}")
    return 0


def cmd_set_rule(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = rules.set_rule(
        db.unit_of_work(),
        actor,
        credential_code=args.credential,
        module_code=args.module,
        days_before=args.days,
        on_expiry=args.on_expiry,
        overdue=args.overdue,
        enabled=args.enabled,
        copy_educator=args.copy_educator,
    ).value
    name = "Default rule" if row.scope == rules.DEFAULT else f"Rule for {row.code} ({row.title})"
    print(f"{name}: {row.describe()}.")
    return 0


def cmd_templates(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    for t in wording.list_templates(db.unit_of_work(), actor):
        print(f"== {t.kind}: {t.label}{'' if t.edited else ' (as shipped)'}")
        print(f"Subject: {t.subject}")
        print(t.body)
    print("Placeholders: " + ", ".join(f"{{{k}}} {v}" for k, v in wording.PLACEHOLDERS.items()))
    return 0


def cmd_set_template(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    if args.reset and (args.subject or args.body_file):
        raise ValidationError("Choose --reset or new wording, not both.")
    body = args.body_file.read_text(encoding="utf-8") if args.body_file else None
    t = wording.set_template(
        db.unit_of_work(), actor, args.kind, subject=args.subject, body=body, reset=args.reset
    ).value
    print(f"{t.label} reminders now read: {t.subject}")
    return 0


def cmd_unit_educator(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    address = rules.set_unit_educator(db.unit_of_work(), actor, args.unit, args.email).value
    print(f"{args.unit}: reminders copy {address}." if address else f"{args.unit}: no educator copied.")
    return 0


def cmd_calendar_person(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    f = calendar.person_calendar(db.unit_of_work(), actor, person.id)
    args.out.write_bytes(f.data)
    print(f"{f.events} date{'s' if f.events != 1 else ''} of {person.full_name} written to {args.out}.")
    return 0


def cmd_calendar_cohort(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    f = calendar.cohort_calendar(db.unit_of_work(), actor, args.cohort)
    args.out.write_bytes(f.data)
    print(
        f"{f.events} date{'s' if f.events != 1 else ''} of cohort {args.cohort.strip().upper()} written to {args.out}."
    )
    return 0
