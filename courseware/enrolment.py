"""Bulk enrolment from a CSV file: read it, check every row, and say what importing would do.

The file is comma-separated UTF-8 (a byte-order mark, as Excel writes, is fine) with a header
row naming the columns ``email``, ``first_name``, ``last_name`` and, optionally, ``username``
(the email address when left out) and ``display_name``, in any order. The headings a spreadsheet
or a school system exports are recognised too (``COLUMN_ALIASES``: "Email Address", "First
name", "Given name", "Surname", "Family name", ...); a heading that is not known refuses the
file. ``plan_enrolment`` never writes: it returns a plan, row by row (a new account, an existing
student, already in the class, or an error with its reasons). The import service imports a plan
only when it has no errors at all, so a file is imported whole or not at all.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from courseware.models import Membership

if TYPE_CHECKING:
    from courseware.models import Classroom

REQUIRED_COLUMNS = ("email", "first_name", "last_name")
OPTIONAL_COLUMNS = ("username", "display_name")
# Headings as spreadsheets and school systems write them (compared lower-case, with spaces and
# dashes as underscores), and the column each one means.
COLUMN_ALIASES = {
    "username": "username",
    "user_name": "username",
    "login": "username",
    "email": "email",
    "e_mail": "email",
    "email_address": "email",
    "e_mail_address": "email",
    "first_name": "first_name",
    "firstname": "first_name",
    "first": "first_name",
    "given_name": "first_name",
    "given_names": "first_name",
    "forename": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "last": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "display_name": "display_name",
    "preferred_name": "display_name",
}
MAX_ROWS = 2000
MAX_BYTES = 1_000_000
NAME_MAX_LENGTH = 150


class RowStatus(StrEnum):
    NEW = "new"
    EXISTING = "existing"
    ALREADY_ENROLLED = "already_enrolled"
    ERROR = "error"


@dataclass
class EnrolmentRow:
    """One data row of the file, as read, and what importing it would do."""

    line: int
    username: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    raw: str = ""
    username_from_file: bool = True  # False: the file has no username column
    user: User | None = None
    already_enrolled: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> RowStatus:
        if self.errors:
            return RowStatus.ERROR
        if self.user is None:
            return RowStatus.NEW
        return RowStatus.ALREADY_ENROLLED if self.already_enrolled else RowStatus.EXISTING


@dataclass
class EnrolmentPlan:
    """What importing a file would do, or why it cannot be imported."""

    rows: list[EnrolmentRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not self.error_rows

    @property
    def error_rows(self) -> list[EnrolmentRow]:
        return [row for row in self.rows if row.errors]

    def count(self, status: RowStatus) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def new_count(self) -> int:
        return self.count(RowStatus.NEW)

    @property
    def existing_count(self) -> int:
        return self.count(RowStatus.EXISTING)

    @property
    def already_enrolled_count(self) -> int:
        return self.count(RowStatus.ALREADY_ENROLLED)


def decode_upload(data: bytes) -> str:
    """The file's text; UTF-8 with or without a byte-order mark, anything else is refused."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s kB; split it into smaller files."),
            params={"limit": MAX_BYTES // 1000},
            code="too_large",
        )
    try:
        # utf-8-sig drops the byte-order mark Excel writes, so the first column name is clean.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _(
                "The file is not UTF-8 text (byte %(position)s cannot be read). In Excel choose "
                "“CSV UTF-8 (Comma delimited)” when saving."
            ),
            params={"position": error.start + 1},
            code="encoding",
        ) from error


def _sniffed_delimiter(header_line: str) -> str | None:
    """The delimiter the header seems to use, when it is not a comma; None if it looks right."""
    try:
        dialect = csv.Sniffer().sniff(header_line, delimiters=",;\t|")
    except csv.Error:
        return None
    return None if dialect.delimiter == "," else dialect.delimiter


DELIMITER_NAMES = {";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}


def plan_enrolment(*, classroom: Classroom, text: str) -> EnrolmentPlan:
    """Read a CSV of students and say, row by row, what importing it into the class would do."""
    text = text.removeprefix("\ufeff")
    plan = EnrolmentPlan()
    if not text.strip():
        plan.file_errors.append(
            _("The file is empty: it needs a header row, then one row per student.")
        )
        return plan

    reader = csv.reader(io.StringIO(text, newline=""), dialect="excel", strict=True)
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as error:
        plan.file_errors.append(
            _("The file cannot be read as CSV near line %(line)s: %(error)s.")
            % {"line": reader.line_num, "error": error}
        )
        return plan

    records = [(line, record) for line, record in records if any(cell.strip() for cell in record)]
    if not records:
        plan.file_errors.append(_("The file has no rows with anything in them."))
        return plan
    header_line, header = records[0]
    headings = [re.sub(r"[\s\-]+", "_", cell.strip().lower()) for cell in header]
    columns = [COLUMN_ALIASES.get(heading, heading) for heading in headings]

    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    delimiter = None
    if missing:
        delimiter = _sniffed_delimiter(text.splitlines()[header_line - 1])
        if delimiter is not None:
            plan.file_errors.append(
                _(
                    "The columns are separated by %(delimiter)s, not commas. Save the file as "
                    "“CSV (Comma delimited)” and upload it again."
                )
                % {"delimiter": DELIMITER_NAMES.get(delimiter, delimiter)}
            )
        plan.file_errors.append(
            ngettext(
                "The header row is missing the column: %(missing)s. It must name: %(expected)s.",
                "The header row is missing the columns: %(missing)s. It must name: %(expected)s.",
                len(missing),
            )
            % {
                "missing": ", ".join(missing),
                "expected": ", ".join(REQUIRED_COLUMNS)
                + _(" (and optionally username and display_name)"),
            }
        )
    unknown = [name for name in columns if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        plan.file_errors.append(
            ngettext(
                "The header row has a column Lectern does not know: %(unknown)s.",
                "The header row has columns Lectern does not know: %(unknown)s.",
                len(unknown),
            )
            % {"unknown": ", ".join(name or _("(blank)") for name in unknown)}
        )
    repeated = [name for name, count in Counter(columns).items() if count > 1 and name]
    if repeated:
        plan.file_errors.append(
            _("The header row names a column more than once: %(repeated)s.")
            % {"repeated": ", ".join(repeated)}
        )

    data = records[1:]
    if not data:
        plan.file_errors.append(_("The file has a header row but no students."))
        return plan
    if len(data) > MAX_ROWS:
        plan.file_errors.append(
            _("The file has %(count)s rows; import at most %(limit)s at a time.")
            % {"count": len(data), "limit": MAX_ROWS}
        )
        return plan

    for line, record in data:
        row = EnrolmentRow(line=line, raw=",".join(record))
        if delimiter is not None:
            row.errors.append(
                _("The values are separated by %(delimiter)s, not commas.")
                % {"delimiter": DELIMITER_NAMES.get(delimiter, delimiter)}
            )
        elif len(record) > len(columns) or any(
            name in REQUIRED_COLUMNS for name in columns[len(record) :]
        ):
            row.errors.append(
                _("Expected %(expected)s values separated by commas, found %(found)s.")
                % {"expected": len(columns), "found": len(record)}
            )
        values = dict(zip(columns, (cell.strip() for cell in record), strict=False))
        for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            setattr(row, name, values.get(name, ""))
        row.email = row.email.lower()
        if "username" not in columns:
            # An existing account is found by its email; a new one is named by it (an email
            # address is a valid username, and unique).
            row.username = row.email
            row.username_from_file = False
        plan.rows.append(row)

    if plan.file_errors:
        return plan
    _check_values(plan.rows)
    _check_duplicates(plan.rows)
    _check_against_accounts(plan.rows, classroom=classroom)
    return plan


def _check_values(rows: list[EnrolmentRow]) -> None:
    username_validator = UnicodeUsernameValidator()
    for row in rows:
        if not row.username:
            row.errors.append(_("The username is empty."))
        else:
            try:
                username_validator(row.username)
            except ValidationError:
                row.errors.append(
                    _("The username “%(username)s” may only use letters, digits and @ . + - _.")
                    % {"username": row.username}
                )
            if len(row.username) > NAME_MAX_LENGTH:
                row.errors.append(_("The username is longer than 150 characters."))
        if not row.email:
            row.errors.append(_("The email address is empty."))
        else:
            try:
                validate_email(row.email)
            except ValidationError:
                row.errors.append(_("“%(email)s” is not an email address.") % {"email": row.email})
        if not row.first_name:
            row.errors.append(_("The first name is empty."))
        for name in ("first_name", "last_name", "display_name"):
            if len(getattr(row, name)) > NAME_MAX_LENGTH:
                row.errors.append(
                    _("The %(column)s is longer than 150 characters.") % {"column": name}
                )


def _check_duplicates(rows: list[EnrolmentRow]) -> None:
    first_line: dict[tuple[str, str], int] = {}
    for row in rows:
        for column, value in (("username", row.username.lower()), ("email", row.email)):
            if not value:
                continue
            seen = first_line.setdefault((column, value), row.line)
            if seen != row.line:
                row.errors.append(
                    _("The %(column)s “%(value)s” is already on line %(line)s of the file.")
                    % {"column": column, "value": value, "line": seen}
                )


def _check_against_accounts(rows: list[EnrolmentRow], *, classroom: Classroom) -> None:
    """Match rows to existing accounts in two queries, whatever the file's length."""
    usernames = {row.username.lower() for row in rows if row.username}
    emails = {row.email for row in rows if row.email}
    users = list(
        User.objects.annotate(username_ci=Lower("username"), email_ci=Lower("email")).filter(
            Q(username_ci__in=usernames) | Q(email_ci__in=emails)
        )
    )
    by_username = {user.username_ci: user for user in users}
    by_email = {user.email_ci: user for user in users}
    enrolled = set(
        Membership.objects.filter(classroom=classroom, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    for row in rows:
        if row.errors:
            continue
        mailed = by_email.get(row.email)
        if not row.username_from_file and mailed is not None:
            row.username = mailed.username
        named = by_username.get(row.username.lower())
        if named is None and mailed is None:
            continue
        if named is not None and mailed is not None and named.pk != mailed.pk:
            row.errors.append(
                _(
                    "The username “%(username)s” and the email “%(email)s” belong to two "
                    "different accounts."
                )
                % {"username": row.username, "email": row.email}
            )
            continue
        if named is None:
            row.errors.append(
                _("The email “%(email)s” belongs to an account with the username “%(other)s”.")
                % {"email": row.email, "other": mailed.username}
            )
            continue
        if mailed is None:
            row.errors.append(
                _("The username “%(username)s” is taken by an account with a different email.")
                % {"username": row.username}
            )
            continue
        user = named
        if user.role != Role.STUDENT:
            row.errors.append(
                _("“%(email)s” belongs to a %(role)s account; only students are enrolled here.")
                % {"email": row.email, "role": Role(user.role).label.lower()}
            )
            continue
        if not user.is_active:
            row.errors.append(
                _("The account “%(username)s” is deactivated.") % {"username": user.username}
            )
            continue
        row.user = user
        row.already_enrolled = user.pk in enrolled
