"""Reading a OneRoster 1.1 CSV export: the zip, its files, and every row checked by a model.

A OneRoster export is a zip of CSV files, one per kind, with a ``manifest.csv`` that names the
version and which files are present. Lectern reads ``manifest.csv``, ``orgs.csv``,
``academicSessions.csv``, ``classes.csv``, ``users.csv`` and ``enrollments.csv`` (others, such as
``courses.csv`` or ``demographics.csv``, are allowed and not read). Each row is checked by a
pydantic model of its kind; what is wrong is reported with the file, the line and the field.
``read_archive`` never touches the database.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # a zip that unpacks to more is refused unread
MAX_ROWS_PER_FILE = 20_000

REQUIRED_FILES = ("manifest", "orgs", "academicSessions", "classes", "users", "enrollments")


class RosterFileError(Exception):
    """The upload cannot be read at all (not a zip, a file missing, a header wrong)."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


# --- Field types ---------------------------------------------------------------------------------


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _split_list(value: Any) -> Any:
    """OneRoster lists (orgSourcedIds, termSourcedIds) are comma-separated in one cell."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    try:
        validate_email(value)
    except DjangoValidationError as error:
        raise ValueError(_("“%(value)s” is not an e-mail address") % {"value": value}) from error
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
OptionalText = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)] | None,
    BeforeValidator(_blank_to_none),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=150)]
IdList = Annotated[list[Text], BeforeValidator(_split_list)]
Email = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_email)]
OptionalDate = Annotated[date | None, BeforeValidator(_blank_to_none)]
OptionalDateTime = Annotated[datetime | None, BeforeValidator(_blank_to_none)]


class Status(StrEnum):
    ACTIVE = "active"
    TO_BE_DELETED = "tobedeleted"


class UserRole(StrEnum):
    ADMINISTRATOR = "administrator"
    AIDE = "aide"
    GUARDIAN = "guardian"
    PARENT = "parent"
    PROCTOR = "proctor"
    RELATIVE = "relative"
    STUDENT = "student"
    TEACHER = "teacher"


class EnrolmentRole(StrEnum):
    ADMINISTRATOR = "administrator"
    PROCTOR = "proctor"
    STUDENT = "student"
    TEACHER = "teacher"
    AIDE = "aide"


class OrgType(StrEnum):
    DEPARTMENT = "department"
    SCHOOL = "school"
    DISTRICT = "district"
    LOCAL = "local"
    STATE = "state"
    NATIONAL = "national"


class SessionType(StrEnum):
    GRADING_PERIOD = "gradingPeriod"
    SEMESTER = "semester"
    SCHOOL_YEAR = "schoolYear"
    TERM = "term"


class ClassType(StrEnum):
    HOMEROOM = "homeroom"
    SCHEDULED = "scheduled"


# --- Rows --------------------------------------------------------------------------------------


class Row(BaseModel):
    """What every OneRoster row has. A blank status is "active" (bulk files leave it out)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    sourcedId: Text  # noqa: N815 - OneRoster's column names
    status: Annotated[Status, BeforeValidator(lambda v: _blank_to_none(v) or "active")]
    dateLastModified: OptionalDateTime = None  # noqa: N815

    @property
    def to_be_deleted(self) -> bool:
        return self.status == Status.TO_BE_DELETED


class OrgRow(Row):
    name: Text
    type: OrgType
    identifier: OptionalText = None
    parentSourcedId: OptionalText = None  # noqa: N815


class AcademicSessionRow(Row):
    title: Text
    type: SessionType
    startDate: date  # noqa: N815
    endDate: date  # noqa: N815
    parentSourcedId: OptionalText = None  # noqa: N815
    schoolYear: Annotated[int, Field(ge=1900, le=2200)]  # noqa: N815


class ClassRow(Row):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    courseSourcedId: Text  # noqa: N815
    classCode: OptionalText = None  # noqa: N815
    classType: ClassType  # noqa: N815
    schoolSourcedId: Text  # noqa: N815
    termSourcedIds: IdList  # noqa: N815


class UserRow(Row):
    enabledUser: bool  # noqa: N815
    orgSourcedIds: IdList  # noqa: N815
    role: UserRole
    username: Annotated[str, StringConstraints(strip_whitespace=True, max_length=150)]
    givenName: Name  # noqa: N815
    familyName: Name  # noqa: N815
    identifier: OptionalText = None
    email: Email = None


class EnrolmentRow(Row):
    classSourcedId: Text  # noqa: N815
    schoolSourcedId: Text  # noqa: N815
    userSourcedId: Text  # noqa: N815
    role: EnrolmentRole
    beginDate: OptionalDate = None  # noqa: N815
    endDate: OptionalDate = None  # noqa: N815


class ManifestRow(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    propertyName: Text  # noqa: N815
    value: Annotated[str, StringConstraints(strip_whitespace=True)]


MODELS: dict[str, type[BaseModel]] = {
    "orgs": OrgRow,
    "academicSessions": AcademicSessionRow,
    "classes": ClassRow,
    "users": UserRow,
    "enrollments": EnrolmentRow,
}


# --- Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One thing wrong with one row: where, and what."""

    file: str
    line: int
    field: str
    message: str


@dataclass
class Parsed:
    """The rows of every file that were read correctly, by kind, each with its line."""

    rows: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    manifest: dict[str, str] = field(default_factory=dict)
    # sourcedIds of rows that were not read correctly: rows that refer to them are not blamed.
    unread: set[tuple[str, str]] = field(default_factory=set)


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's CSV files by name; a single top folder (as some exports add) is fine."""
    found: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.is_dir() or "__MACOSX" in info.filename:
            continue
        name = info.filename.rsplit("/", 1)[-1]
        if name.lower().endswith(".csv"):
            found[name[:-4]] = info
    return found


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RosterFileError(
            [
                _("%(file)s is not UTF-8 text (byte %(position)s cannot be read).")
                % {"file": f"{name}.csv", "position": error.start + 1}
            ]
        ) from error


def _field_of(error: dict) -> str:
    return ".".join(str(part) for part in error["loc"] if not isinstance(part, int)) or "-"


def _read_rows(text: str, name: str, model: type[BaseModel], parsed: Parsed) -> None:
    filename = f"{name}.csv"
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        headings = reader.fieldnames or []
    except csv.Error as error:
        raise RosterFileError(
            [_("%(file)s cannot be read as CSV: %(error)s.") % {"file": filename, "error": error}]
        ) from error
    required = [name for name, info in model.model_fields.items() if info.is_required() and name]
    missing = [heading for heading in required if heading not in headings]
    if missing:
        raise RosterFileError(
            [
                _("The header row of %(file)s is missing: %(missing)s.")
                % {"file": filename, "missing": ", ".join(missing)}
            ]
        )
    rows: list[tuple[int, Any]] = []
    try:
        for record in reader:
            line = reader.line_num
            if len(rows) + len(parsed.errors) >= MAX_ROWS_PER_FILE:
                raise RosterFileError(
                    [
                        _("%(file)s has more than %(limit)s rows.")
                        % {"file": filename, "limit": MAX_ROWS_PER_FILE}
                    ]
                )
            if None in record:
                parsed.errors.append(
                    RowError(filename, line, "-", _("The row has more values than the header."))
                )
                continue
            try:
                rows.append((line, model.model_validate(record)))
            except ValidationError as error:
                parsed.unread.add((name, (record.get("sourcedId") or "").strip()))
                for problem in error.errors(include_url=False, include_input=False):
                    parsed.errors.append(
                        RowError(filename, line, _field_of(problem), problem["msg"])
                    )
    except csv.Error as error:
        raise RosterFileError(
            [
                _("%(file)s cannot be read as CSV near line %(line)s: %(error)s.")
                % {"file": filename, "line": reader.line_num, "error": error}
            ]
        ) from error
    parsed.rows[name] = rows


def read_archive(data: bytes) -> Parsed:
    """Read and check a OneRoster 1.1 CSV zip; raise ``RosterFileError`` if it cannot be read."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise RosterFileError(
            [
                _("The file is larger than %(limit)s MB.")
                % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            ]
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise RosterFileError(
            [_("The file is not a zip archive. Upload the OneRoster CSV export's .zip file.")]
        ) from error
    with archive:
        members = _members(archive)
        missing = [f"{name}.csv" for name in REQUIRED_FILES if name not in members]
        if missing:
            raise RosterFileError(
                [
                    _("The zip has no %(files)s. A OneRoster 1.1 CSV export has each of: %(all)s.")
                    % {
                        "files": ", ".join(missing),
                        "all": ", ".join(f"{name}.csv" for name in REQUIRED_FILES),
                    }
                ]
            )
        if sum(members[name].file_size for name in REQUIRED_FILES) > MAX_UNCOMPRESSED_BYTES:
            raise RosterFileError(
                [
                    _("The files in the zip add up to more than %(limit)s MB.")
                    % {"limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
                ]
            )
        try:
            texts = {name: _decode(archive.read(members[name]), name) for name in REQUIRED_FILES}
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as error:
            raise RosterFileError(
                [_("The zip cannot be unpacked (damaged or encrypted).")]
            ) from error

    parsed = Parsed()
    manifest = Parsed()
    _read_rows(texts["manifest"], "manifest", ManifestRow, manifest)
    parsed.manifest = {row.propertyName: row.value for _line, row in manifest.rows["manifest"]}
    version = parsed.manifest.get("oneroster.version")
    if version != "1.1":
        raise RosterFileError(
            [
                _("manifest.csv says OneRoster version %(version)s; Lectern reads version 1.1.")
                % {"version": version or _("(none)")}
            ]
        )
    for name, model in MODELS.items():
        _read_rows(texts[name], name, model, parsed)
    parsed.errors.extend(manifest.errors)
    return parsed
