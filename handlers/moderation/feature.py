"""The log of negative messages seen online, and their handling: every command,
button, form, message, job, setting and file of the feature, declared here."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import (
    CM,
    ButtonSpec,
    CliCommand,
    Command,
    EveryTick,
    Exporter,
    FormSpec,
    HomePart,
    Importer,
    Job,
    Nightly,
    Registry,
    Sender,
)
from handlers.moderation import delivery, export, home, log, nudges, retention, spreadsheet

LOG = CM.refusing(N_("⛔ Only the CM and admins can use the moderation log. Nothing was changed."))


def register(reg: Registry) -> None:
    reg.add(
        Command(
            "cm log",
            log.command,
            N_("log a negative message seen online"),
            access=LOG,
            aliases={"fr": ("journal",)},
            open_ended=True,  # extra words get this command's usage
        ),
        Command(
            "cm log list",
            log.list_command,
            N_("the moderation log (open: still to handle)"),
            args="[open]",
            access=LOG,
            aliases={"fr": ("log liste", "journal list", "journal liste")},
        ),
        ButtonSpec("moderation", log.click, access=LOG),
        FormSpec("moderation.log", log.validate, log.submit, access=LOG),
        FormSpec("moderation.change", log.validate_change, log.submit_change, access=LOG),
        HomePart(20, home.show_to_handle, home.to_handle_version),
        Sender(delivery.PostCard, delivery.send_post_card),
        Sender(delivery.UpdateCard, delivery.send_update_card),
        nudges.HOURS,
        Job("moderation.reminder", EveryTick(office_hours=True), nudges.watch),
        Sender(nudges.Reminder, nudges.send_reminder),
        Sender(nudges.ReminderEntry, nudges.send_entry_reminder),
        retention.RETENTION_DAYS,
        Job("moderation.retention", Nightly(), retention.forget_old),
        CliCommand(
            "forget",
            N_("remove an author's name and links from the moderation log"),
            retention.forget_arguments,
            lambda uow, args, terminal: retention.forget_command(uow, args, terminal, reg.forgets),
        ),
        Exporter("moderation", export.export_rows),
        Importer("moderation", spreadsheet.import_rows, spreadsheet.describe_columns),
    )
