"""Marks as spreadsheets: a class's gradebook and one assignment's marks, as CSV and as XLSX.

Both formats hold the same table. Text that a spreadsheet would run as a formula (a cell
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: a student can choose such a
display name) is written so it stays text: prefixed with an apostrophe in CSV, written as a
string in XLSX. Numbers are written as numbers. While an anonymously marked assignment's names
are hidden its export shows pseudonyms only, and the class gradebook leaves its marks out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from courseware.selectors.marking import AssignmentMarks, CellState, Gradebook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | Decimal | int | None


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Cell]]


def _number(value: Decimal | None) -> Decimal | int | None:
    """A mark as written: whole marks without decimals, others without trailing zeros."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def gradebook_table(book: Gradebook) -> Table:
    """The gradebook as a table: a row per student, a column per assignment, then the totals."""
    header = [_("Student"), _("Username")]
    for column in book.columns:
        if column.hidden:
            header.append(
                _("%(title)s (anonymous: names hidden)") % {"title": column.assignment.title}
            )
        else:
            header.append(
                _("%(title)s (out of %(max)s)")
                % {"title": column.assignment.title, "max": _number(column.out_of)}
            )
    header += [_("Total"), _("Out of"), _("Percent")]
    rows: list[list[Cell]] = []
    for row in book.rows:
        line: list[Cell] = [row.student.name, row.student.username]
        for cell in row.cells:
            line.append(_number(cell.mark) if cell.counted else None)
        line += [
            _number(row.total),
            _number(row.out_of),
            row.percent if row.percent is not None else None,
        ]
        rows.append(line)
    averages: list[Cell] = [_("Class average"), ""]
    for column in book.columns:
        averages.append(None if column.hidden else column.average)
    averages += [None, None, book.average_percent]
    rows.append(averages)
    return Table(title=book.classroom.name, header=header, rows=rows)


STATE_LABELS = {
    "not_submitted": "Not handed in",
    "to_mark": "To mark",
    "marked": "Marked",
    "released": "Released",
}


def assignment_marks_table(marks: AssignmentMarks) -> Table:
    """One assignment's marks: a row per student (pseudonyms while names are hidden) with the
    level and marks of each criterion, the raw mark, the penalty and the final mark."""
    header = [_("Student")]
    if not marks.hidden:
        header.append(_("Username"))
    header += [_("Status"), _("Handed in"), _("Minutes late"), _("Extension")]
    for criterion in marks.criteria:
        header += [
            _("%(title)s: level") % {"title": criterion.title},
            _("%(title)s: marks") % {"title": criterion.title},
        ]
    header += [
        _("Raw mark"),
        _("Late penalty %"),
        _("Final mark"),
        _("Out of"),
        _("Released"),
    ]
    rows: list[list[Cell]] = []
    for row in marks.rows:
        line: list[Cell] = [row.label]
        if not marks.hidden:
            line.append(row.username)
        line += [
            _(STATE_LABELS[row.state.value]),
            timezone.localtime(row.submitted_at).strftime("%Y-%m-%d %H:%M")
            if row.submitted_at
            else "",
            row.minutes_late if row.submitted_at else None,
            _("yes") if row.extended else "",
        ]
        for chosen in row.criteria:
            if chosen is not None and chosen.level is not None:
                line += [chosen.level.title, _number(chosen.marks)]
            else:
                line += ["", None]
        grade = row.grade
        if grade is not None:
            line += [
                _number(grade.raw_mark),
                _number(grade.late_penalty_percent),
                _number(grade.final_mark),
                _number(grade.max_mark),
                timezone.localtime(grade.released_at).strftime("%Y-%m-%d %H:%M")
                if grade.released_at
                else "",
            ]
        else:
            line += [None, None, None, None, ""]
        rows.append(line)
    return Table(title=marks.assignment.title, header=header, rows=rows)


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(table: Table) -> bytes:
    """The table as UTF-8 CSV with a byte-order mark, so spreadsheet programs read accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe_text(h) for h in table.header])
    for row in table.rows:
        writer.writerow(
            [
                "" if value is None else _safe_text(value) if isinstance(value, str) else value
                for value in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook of one sheet, header bold and frozen."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    # Sheet names are at most 31 characters and may not hold []:*?/\
    name = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31] or "Marks"
    sheet = workbook.add_worksheet(name)
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for col, heading in enumerate(table.header):
        sheet.write_string(0, col, heading, bold)
    for r, row in enumerate(table.rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(r, col, value)
            else:
                sheet.write_number(r, col, float(value))
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, max(1, len(table.header) - 1), 14)
    workbook.close()
    return out.getvalue()


def cell_state_label(state: CellState) -> str:
    return {
        CellState.NONE: _("not handed in"),
        CellState.TO_MARK: _("to mark"),
        CellState.DRAFT: _("marking"),
        CellState.READY: _("marked, not released"),
        CellState.RELEASED: _("released"),
        CellState.QUIZ: _("quiz"),
        CellState.HIDDEN: _("names hidden"),
    }[state]
