"""The Certificates page's 'E-mail to learners…' and 'Save for learners…': what they ask, run and report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from credtrack.services import mail
from credtrack.services.certificates import delivery, learner_zip
from credtrack.services.certificates.delivery import DeliveryReport, MailingPlan
from credtrack.ui import messages
from credtrack.ui.dialogs.email_dialog import EmailDialog, Scope
from credtrack.ui.dialogs.task_progress import TaskProgress
from credtrack.ui.tasks import TaskControl

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

LISTED = 8  # names shown in a summary before "and N more"


def describe_delivery(plan: MailingPlan | None, report: DeliveryReport) -> str:
    """What a mailing did, in the words of the message box after it."""
    lines = [f"{report.sent:,} certificate{'' if report.sent == 1 else 's'} e-mailed."]
    if report.sent_before:
        lines.append(f"{report.sent_before:,} had been sent already and were not sent again.")
    if plan is not None and plan.skipped:
        lines.append(f"Not sent ({len(plan.skipped)}):")
        lines += [f"  • {s.holder_name} ({s.code}): {s.reason}" for s in plan.skipped[:LISTED]]
        if len(plan.skipped) > LISTED:
            lines.append(f"  … and {len(plan.skipped) - LISTED} more (all are in the audit log).")
    if report.failed:
        lines.append(f"Refused by the mail server ({len(report.failed)}):")
        lines += [f"  • {f.holder_name} <{f.recipient}>: {f.reason}" for f in report.failed[:LISTED]]
        if len(report.failed) > LISTED:
            lines.append(f"  … and {len(report.failed) - LISTED} more.")
    if report.stopped:
        lines.append(f"Sending stopped: {report.stopped} {report.waiting:,} are still waiting to be sent.")
    return "\n".join(lines)


class LearnerDelivery:
    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget,
        scopes: Callable[[], list[Scope]],
        ask_passphrase: Callable[[], str | bool | None],
    ) -> None:
        self.ctx, self.parent, self.scopes, self.ask_passphrase = ctx, parent, scopes, ask_passphrase
        self.email_button = QPushButton("E-mail to learners…")
        self.email_button.setToolTip("Send each holder their certificate's PDF by e-mail")
        self.email_button.clicked.connect(self.email)
        self.email_button.setVisible(ctx.can("mail.send"))
        self.zip_button = QPushButton("Save for learners…")
        self.zip_button.setToolTip("Save the certificates in one ZIP, one PDF per person named for them")
        self.zip_button.clicked.connect(self.save_zip)
        self.zip_button.setVisible(ctx.can("certificates.reprint"))
        self.progress: TaskProgress | None = None
        self.mailing_id: int | None = None  # the mailing under way or last run: what "send the rest" retries
        self.plan: MailingPlan | None = None

    def buttons(self) -> list[QPushButton]:
        return [self.email_button, self.zip_button]

    def _exec(self, dialog: QDialog) -> int:
        return dialog.exec()

    # -- e-mail ---------------------------------------------------------------
    def email(self) -> None:
        scopes = self.scopes()
        if not scopes:
            messages.show_error(self.parent, "E-mail to learners", "There is no certificate in force to send.")
            return
        settings = mail.get_mail_settings(self.ctx.uow())
        if not settings.configured:
            messages.show_error(
                self.parent,
                "E-mail to learners",
                "Mail is not set up yet: enter the mail server and the sender address in Settings › Mail, "
                "and send a test message there first.",
            )
            return
        dialog = EmailDialog(scopes, settings.sender, self.parent)
        if self._exec(dialog) != QDialog.DialogCode.Accepted:
            return
        codes, (subject, body, badge) = dialog.codes(), dialog.letter()
        passphrase: str | None = None
        if badge:  # the Open Badges file is signed as it is attached
            asked = self.ask_passphrase()
            if asked is False:
                return
            passphrase = asked or None
        ctx = self.ctx

        def work(control: TaskControl) -> Any:
            plan = delivery.queue_mailing(ctx.uow(), ctx.actor, codes, subject, body, include_badge=badge).value
            self.plan, self.mailing_id = plan, plan.mailing_id
            return self._deliver(control, plan.mailing_id, passphrase)

        self._run(work, passphrase)

    def _deliver(self, control: TaskControl, mailing_id: int, passphrase: str | None) -> Any:
        return delivery.deliver(
            self.ctx.db,
            self.ctx.actor,
            mailing_id,
            check=control.check,
            progress=lambda done, total: control.progress(done, total, ""),
            passphrase=passphrase,
        )

    def _run(self, work: Callable[[TaskControl], Any], passphrase: str | None) -> None:
        self.progress = TaskProgress(
            self.ctx,
            "E-mailing certificates",
            "Connecting to the mail server…",
            work,
            lambda done, total: f"Sent {done:,} of {total:,}…",
            "Stopping after the message on its way — what was sent stays recorded…",
            self.parent,
        )
        self.progress.finished_work.connect(lambda report: self._sent(report, passphrase))
        self.progress.cancelled_work.connect(lambda: self._stopped(passphrase))
        self.progress.start()

    def _sent(self, report: DeliveryReport, passphrase: str | None) -> None:
        text = describe_delivery(self.plan, report)
        self.plan = None
        if report.waiting or report.failed:
            if messages.confirm(self.parent, "E-mail to learners", text + "\n\nTry again now for those not sent?"):
                self.retry(passphrase)
            return
        messages.show_info(self.parent, "E-mail to learners", text)

    def _stopped(self, passphrase: str | None) -> None:
        if self.mailing_id is None:
            messages.show_info(self.parent, "E-mail to learners", "Cancelled before anything was sent.")
            return
        if messages.confirm(
            self.parent,
            "E-mail to learners",
            "Sending was stopped. The certificates already sent are recorded and will not be sent twice; "
            "the others are still waiting.\n\nSend the rest now?",
        ):
            self.retry(passphrase)

    def retry(self, passphrase: str | None = None) -> None:
        mailing_id = self.mailing_id
        if mailing_id is None:
            return
        self._run(lambda control: self._deliver(control, mailing_id, passphrase), passphrase)

    # -- ZIP ------------------------------------------------------------------
    def save_zip(self) -> None:
        scopes = self.scopes()
        if not scopes:
            messages.show_error(self.parent, "Save for learners", "There is no certificate in force to save.")
            return
        label, codes = scopes[0]
        if len(scopes) > 1:
            chosen = messages.choose_item(
                self.parent, "Save for learners", "Which certificates?", [s[0] for s in scopes]
            )
            if chosen is None:
                return
            label, codes = scopes[chosen]
        target = messages.save_file_name(
            self.parent, "Save the certificates for learners", "Certificates for learners.zip", "ZIP files (*.zip)"
        )
        if not target:
            return
        path = Path(target) if target.lower().endswith(".zip") else Path(target + ".zip")
        ctx = self.ctx

        def work(control: TaskControl) -> Any:
            return learner_zip.save_for_learners(
                ctx.db,
                ctx.actor,
                codes,
                path,
                check=control.check,
                progress=lambda done, total: control.progress(done, total, ""),
            )

        self.progress = TaskProgress(
            ctx,
            "Saving for learners",
            "Preparing the certificates…",
            work,
            lambda done, total: f"Saved {done:,} of {total:,}…",
            "Cancelling — no ZIP will be left…",
            self.parent,
        )
        self.progress.finished_work.connect(self._zipped)
        self.progress.cancelled_work.connect(
            lambda: messages.show_info(self.parent, "Save for learners", "Cancelled: no ZIP was written.")
        )
        self.progress.start()

    def _zipped(self, saved: learner_zip.LearnerZip) -> None:
        n = len(saved.files)
        lines = [f"{n:,} certificate{'' if n == 1 else 's'} saved in {saved.path}."]
        if saved.skipped:
            lines.append(f"Left out ({len(saved.skipped)}): " + ", ".join(s.code for s in saved.skipped[:LISTED]))
        messages.show_info(self.parent, "Save for learners", "\n".join(lines))
